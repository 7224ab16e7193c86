"""Enforcement: enforcement-matter power list, cases, evidence, documents, penalties, inspections, credit."""
