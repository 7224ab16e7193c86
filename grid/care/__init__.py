"""Early warning for vulnerable households: care list, medical-expense imports, visits."""
