"""Approvals: back-office review of accepted applications, chief representatives, decisions, supplements, results."""
