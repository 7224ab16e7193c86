"""Command centre: dashboard, warning board, dispatch, urging and supervision, assessments, rollups."""
