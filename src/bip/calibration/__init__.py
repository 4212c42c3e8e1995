"""Published BIP figures (package data) and the comparison of a dataset against them.

``published.yaml`` is a copy of ``shared/calibration/published.yaml`` (every number the five
seed documents publish); ``tolerances.yaml`` says, with a reason, how close a synthetic or
analysed figure must be. :func:`calibrate` computes the figures with its own DuckDB SQL
(:mod:`bip.calibration.figures`), independently of :mod:`bip.panel`.
"""

from bip.calibration.compare import Row, calibrate, load_published, load_tolerances

__all__ = ["Row", "calibrate", "load_published", "load_tolerances"]
