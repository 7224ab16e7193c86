"""SMS and e-mail behind one interface; the API is in township.notify.services (kept import-light here)."""
