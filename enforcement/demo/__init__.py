"""Demo data of the enforcement app: the power list (power), cases (cases)."""
