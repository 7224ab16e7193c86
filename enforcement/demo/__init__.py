"""Enforcement demo data: the power list, squads and officers (power), demo cases (cases)."""
