"""The measurement web tool (docs/web.md): a Django project for caseworkers, managers, analysts."""
