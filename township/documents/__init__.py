"""Numbered PDF documents with QR codes and a public verification page; API in .services."""
