"""The notebook API (bip.open_dataset, bip.build_panel, bip.analyze, bip.frames) and the
example notebook docs/notebooks/demo.ipynb, executed with nbclient on a small cohort."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import bip
from bip.results import Results, load_results

NOTEBOOK = Path(__file__).parents[2] / "docs" / "notebooks" / "demo.ipynb"


@pytest.fixture(scope="module")
def api_results(cohort) -> Results:
    ds = bip.open_dataset(cohort)
    return bip.analyze(ds, bip.build_panel(ds))


def test_analyze_equals_the_pipeline_run(api_results, results_dir):
    ran = load_results(results_dir)
    assert isinstance(api_results, Results)
    assert api_results.sections().model_dump() == ran.sections().model_dump()
    assert api_results.meta.dataset_fingerprint == ran.meta.dataset_fingerprint


def test_build_panel_takes_a_path(cohort, api_results):
    panel = bip.build_panel(str(cohort))
    assert len(panel) == api_results.dataset.measurements


def test_frames_hold_the_results(api_results):
    tables = bip.frames(api_results)
    assert all(len(t) > 0 for t in tables.values()), [k for k, t in tables.items() if t.empty]
    adj = tables["a4_adjusted"]
    row = adj[(adj["item"] == "B_avg") & (adj["code"] == "1000")].iloc[0]
    model = api_results.a4_combination_effects.adjusted["B_avg"].codes["1000"]
    assert row["estimate"] == model.estimate and row["se"] == model.se
    assert len(adj) == 22 * 16
    q = tables["a6_quartiles"]
    assert list(q["quartile"]) == [1, 2, 3, 4]
    assert q["n_caseworkers"].sum() == api_results.a6_caseworkers.n_caseworkers
    jm = tables["a5_job_model"]
    assert len(jm) == len(api_results.a5_job_chance.job_model.terms)
    assert list(tables["a6_policy"]["effects"]) == ["raw", "shrunken"]
    with pytest.raises(KeyError, match="a4_adjusted"):
        bip.frame(api_results, "a4")


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_notebook_runs(cohort, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("BIP_DATASET", str(cohort))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cohort)}}
    )
    client.execute(env={**os.environ, "BIP_DATASET": str(cohort)})
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "policy experiment:" in text
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
