"""The measurement web tool (SPEC §8): a Django project for caseworkers, managers, analysts."""
