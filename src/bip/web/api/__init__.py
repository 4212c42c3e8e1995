"""The JSON API for case-management systems: ``/api/v1/`` (django-ninja), per-system tokens."""
