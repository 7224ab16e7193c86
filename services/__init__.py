"""Services: service-item catalog, guides, bundles, one-window intake, online hall, appointments, queue, evaluations."""
