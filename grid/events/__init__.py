"""Grid events: the six-step loop (services), its queries (selectors), KPIs, pages and forms."""
