"""Dataset format v1 (docs/dataset-format.md): schema, validation, reading and writing CSV/Parquet."""

from bip.dataset.problems import DatasetError, Problem, Report
from bip.dataset.read import Dataset, convert_dataset, open_dataset, to_pandas
from bip.dataset.schema import (
    CASEWORKER_PART_COLUMNS,
    CITIZEN_PART_COLUMNS,
    OPERATIONAL_TABLES,
    REGISTER_TABLES,
    TABLES,
)
from bip.dataset.validate import validate_dataset
from bip.dataset.write import TableWriter, atomic_dir, conform, write_dataset

__all__ = [
    "CASEWORKER_PART_COLUMNS",
    "CITIZEN_PART_COLUMNS",
    "OPERATIONAL_TABLES",
    "REGISTER_TABLES",
    "TABLES",
    "Dataset",
    "DatasetError",
    "Problem",
    "Report",
    "TableWriter",
    "atomic_dir",
    "conform",
    "convert_dataset",
    "open_dataset",
    "to_pandas",
    "validate_dataset",
    "write_dataset",
]
