"""Grid: who may do what (role checks and django-guardian object permissions)."""
