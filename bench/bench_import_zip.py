"""Benchmark: peak memory of unpacking a dataset zip with one large member.

Writes (once, reused) ``bench/out/import_zip/dataset.zip`` holding a ``benefit_weeks.csv`` of
``--mib`` MiB (default 200, deflated) and measures, each in a fresh child process, wall time and
peak RSS of:

- ``floor``: open the zip and list it (the interpreter and ``zipfile``; the ratio's baseline)
- ``floor_bip``: import ``bip.dataset.archive`` only (the libraries the streamed step loads)
- ``read_whole``: ``(dest / name).write_bytes(z.read(name))`` per member, as the web import
  did before :func:`bip.dataset.archive.extract_dataset_zip`
- ``streamed``: :func:`bip.dataset.archive.extract_dataset_zip` (1 MiB chunks)

Usage: ``python bench/bench_import_zip.py [--mib 200]``; results printed and written to
``bench/out/bench_import_zip.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"

CHILD = r"""
import json, resource, shutil, sys, tempfile, time, zipfile
from pathlib import Path
step, src = sys.argv[1], sys.argv[2]
dest = Path(tempfile.mkdtemp(prefix="bip-zip-"))
t0 = time.monotonic()
if step == "floor":
    with zipfile.ZipFile(src) as z:
        names = z.namelist()
elif step == "floor_bip":
    import bip.dataset.archive  # pulls in bip.dataset: pyarrow, pandas, DuckDB
elif step == "read_whole":
    with zipfile.ZipFile(src) as z:
        for n in z.namelist():
            (dest / Path(n).name).write_bytes(z.read(n))
else:
    from bip.dataset.archive import extract_dataset_zip
    extract_dataset_zip(src, dest)
seconds = time.monotonic() - t0
written = sum(f.stat().st_size for f in dest.iterdir())
shutil.rmtree(dest)
print(json.dumps({"seconds": seconds, "written_mib": written / 2**20,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_zip(path: Path, mib: int) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    statuses = ("employed", "cash_benefit", "sickness_benefit", "unemployment_benefit")
    tmp = path.with_suffix(".tmp")
    with (
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("bip-dataset/benefit_weeks.csv", "w", force_zip64=True) as fh,
    ):
        fh.write(b"citizen_id,week,status\n")
        size, i = 0, 0
        while size < mib * 2**20:
            block = "".join(
                f"c{(i + k) // 500:07d},{2008 + (i + k) % 500 // 52}-W{(i + k) % 52 + 1:02d},"
                f"{statuses[(i + k) % 4]}\n"
                for k in range(100_000)
            ).encode()
            fh.write(block)
            size += len(block)
            i += 100_000
    tmp.rename(path)


def run(step: str, src: Path) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", CHILD, step, str(src)], capture_output=True, text=True, check=True
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=200)
    args = ap.parse_args()
    src = OUT / "import_zip" / f"dataset-{args.mib}mib.zip"
    make_zip(src, args.mib)
    res = {step: run(step, src) for step in ("floor", "floor_bip", "read_whole", "streamed")}
    floor = res["floor"]["peak_rss_mib"]
    for step, r in res.items():
        r["rss_ratio_to_floor"] = r["peak_rss_mib"] / floor
        print(
            f"{step:>10}: {r['seconds']:6.2f} s, peak RSS {r['peak_rss_mib']:7.0f} MiB "
            f"({r['rss_ratio_to_floor']:.2f} x floor), wrote {r['written_mib']:.0f} MiB"
        )
    res["streamed_over_read_whole"] = (
        res["streamed"]["peak_rss_mib"] / res["read_whole"]["peak_rss_mib"]
    )
    res["streamed_above_its_imports_mib"] = (
        res["streamed"]["peak_rss_mib"] - res["floor_bip"]["peak_rss_mib"]
    )
    print(f"streamed / read_whole peak RSS: {res['streamed_over_read_whole']:.3f}")
    print(f"streamed above its imports: {res['streamed_above_its_imports_mib']:.0f} MiB")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_import_zip.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
