"""Jobcentre dashboards, caseworker effectiveness, analysis runs and register uploads."""
