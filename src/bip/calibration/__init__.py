"""Published BIP figures (package data) and the comparison of a dataset against them.

``published.yaml`` is a copy of ``shared/calibration/published.yaml`` (every number the five
seed documents publish); ``tolerances.yaml`` says, with a reason, how close a synthetic or
analysed figure must be, and which printed figures contradict their own source.
:func:`calibrate` computes the figures with its own DuckDB SQL (:mod:`bip.calibration.figures`),
independently of :mod:`bip.panel`, reads an analysis' figures from its typed results
(:mod:`bip.calibration.results_figures`) and returns one :class:`Summary`.
"""

from bip.calibration.compare import (
    CALIBRATION_FILE,
    STATUSES,
    Row,
    Summary,
    calibrate,
    read_calibration,
    write_calibration,
)
from bip.calibration.sources import load_published, load_tolerances

__all__ = [
    "CALIBRATION_FILE",
    "STATUSES",
    "Row",
    "Summary",
    "calibrate",
    "load_published",
    "load_tolerances",
    "read_calibration",
    "write_calibration",
]
