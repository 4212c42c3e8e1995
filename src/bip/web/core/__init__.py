"""The single Django app of the measurement tool: models, role rules, views."""
