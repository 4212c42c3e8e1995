"""Analyses A1-A9: pure functions from the analysis panel (docs/panel.md) to typed results.

Each ``aN_<name>.run(panel, **options)`` computes one section; :func:`analyze_panel` runs all
nine and returns :class:`bip.results.Sections`. :mod:`bip.pipeline` owns a whole run. The
analyses never read a database or the generator and never import the report.
"""

from bip.analysis.analyze import analyze_panel

__all__ = ["analyze_panel"]
