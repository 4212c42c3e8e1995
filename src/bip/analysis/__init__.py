"""Analyses A1-A9 (SPEC §5): pure functions from the panel to JSON-ready dicts.

Each ``aN_<name>.run(panel, **options) -> dict``; :func:`bip.analysis.run.analyze_dataset`
assembles them into ``results.json`` (schema ``bip-results/1``, docs/results-schema.md).
"""
