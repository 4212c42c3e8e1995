"""The researcher's workbench: a replication package of an analysis run (panel, codebook, an
R script and a Stata do-file that re-estimate the models) and tables of the results as data
frames (docs/replication.md)."""

from bip.replicate.estimates import bip_estimates, compare
from bip.replicate.package import ReplicateError, build_package

__all__ = ["ReplicateError", "bip_estimates", "build_package", "compare"]
