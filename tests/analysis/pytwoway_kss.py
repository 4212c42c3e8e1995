"""Run pytwoway's KSS (heteroskedastic, leave one observation out, exact leverages and trace) on
a CSV of i, j, y, t and write the cleaned data and the variance of firm effects as JSON.

Runs in its own pinned environment (pytwoway 0.3.21 needs numpy < 2 and pandas < 2), called by
tests/analysis/test_a6_leave_out.py: ``python pytwoway_kss.py in.csv out.json``.
"""

import json
import sys

import bipartitepandas as bpd
import pandas as pd
import pytwoway as tw

df = pd.read_csv(sys.argv[1])
bdf = bpd.BipartiteDataFrame(i=df["i"], j=df["j"], y=df["y"], t=df["t"])
clean = bpd.clean_params(
    {
        "connectedness": "leave_out_observation",
        "drop_single_stayers": True,
        "is_sorted": True,
        "copy": True,
        "verbose": False,
    }
)
bdf = bdf.clean(clean)
fe = tw.FEEstimator(
    bdf,
    tw.fe_params(
        {
            "he": True,
            "ho": False,
            "exact_trace_sigma_2": True,
            "exact_trace_he": True,
            "exact_lev_he": True,
            "Sii_stayers": "upper_bound",
            "progress_bars": False,
            "verbose": False,
        }
    ),
)
fe.fit()
out = pd.DataFrame({"i": bdf["i"], "j": bdf["j"], "y": bdf["y"], "t": bdf["t"]})
with open(sys.argv[2], "w") as f:
    json.dump(
        {
            "summary": {k: float(v) for k, v in fe.summary.items()},
            "data": out.to_dict(orient="list"),
            "max_lev": float(fe.res.get("max_lev", float("nan"))),
        },
        f,
    )
