"""Services: read queries shared by pages, API and dashboards, already scoped to the user; by topic."""

from services.selectors.catalog import *  # noqa: F403
