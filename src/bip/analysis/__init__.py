"""Analyses A1-A9: pure functions from the analysis panel (docs/panel.md) to typed results.

Each ``aN_<name>.run(panel, **options)`` computes one section; :func:`analyze_panel` runs all
nine and returns :class:`bip.results.Sections`; :func:`a4_naive_model` is A4's naive model on
its own (the dashboards' progression figure). :mod:`bip.pipeline` owns a whole run. The
analyses never read a database or the generator and never import the report.
"""

from bip.analysis.a4_combination_effects import naive_model as a4_naive_model
from bip.analysis.analyze import analyze_panel

__all__ = ["a4_naive_model", "analyze_panel"]
