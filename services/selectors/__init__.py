"""Services: read queries shared by pages, API and dashboards, already scoped to the user; by topic."""
