"""Results and report: ``results.json`` (schema bip-results/1) and its rendering."""
