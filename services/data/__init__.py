"""Data files of the services app (the demo catalog tables)."""
