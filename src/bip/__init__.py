"""BIP: progression measurement, register linkage and analysis for public employment services."""

__version__ = "0.1.0"
