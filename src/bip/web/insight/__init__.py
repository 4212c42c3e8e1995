"""Jobcentre dashboards, caseworker effectiveness, analysis runs and register uploads (issue 8)."""
