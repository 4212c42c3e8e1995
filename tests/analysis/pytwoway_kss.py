"""Run by tests/analysis/test_a6_kss.py under pytwoway's own Python (not the project's venv).

    <pytwoway python> pytwoway_kss.py IN.csv OUT.csv OUT.json

IN.csv has columns i (citizen), j (caseworker), y, t. pytwoway's leave-one-observation-out
cleaning, then its KSS (heteroskedastic) correction with exact leverages and exact trace; the
cleaned rows go to OUT.csv, the plug-in and corrected variance of the caseworker effects
(person-year weighted, ddof 0) to OUT.json.
"""

import json
import sys

import bipartitepandas as bpd
import pandas as pd
import pytwoway as tw

src, rows_out, res_out = sys.argv[1:4]
df = pd.read_csv(src)
bdf = bpd.BipartiteDataFrame(i=df["i"], j=df["j"], y=df["y"], t=df["t"])
clean = bpd.clean_params(
    {"connectedness": "leave_out_observation", "drop_single_stayers": True, "verbose": False}
)
bdf = bdf.clean(clean)
fe = tw.FEEstimator(
    bdf,
    tw.fe_params(
        {
            "he": True,
            "ho": False,
            "exact_lev_he": True,
            "exact_trace_he": True,
            "exact_trace_sigma_2": True,
            "Sii_stayers": "upper_bound",
            "weighted": False,
            "progress_bars": False,
            "verbose": False,
        }
    ),
)
fe.fit()
# bipartitepandas may relabel i and j; a relabelling leaves both variances alone.
pd.DataFrame(bdf)[["i", "j", "y"]].to_csv(rows_out, index=False)
with open(res_out, "w") as f:
    json.dump({"plugin": float(fe.res["var(psi)_fe"]), "kss": float(fe.res["var(psi)_he"])}, f)
