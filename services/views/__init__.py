"""Services: pages, split by who uses them (public catalog, workbench, online hall, queue, evaluations)."""
