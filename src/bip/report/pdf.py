"""Print an HTML file to PDF with Debian's headless Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


class PdfUnavailable(RuntimeError):
    """The PDF could not be printed (no Chromium, or Chromium failed); the message says why."""


def find_chromium() -> str | None:
    """Path of the system Chromium (``BIP_CHROMIUM`` overrides), or None."""
    env = os.environ.get("BIP_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for c in CHROMIUM_CANDIDATES:
        if Path(c).exists():
            return c
    return shutil.which("chromium")


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 120) -> Path:
    """Print ``html_path`` to ``pdf_path`` (atomically). Raises :class:`PdfUnavailable`."""
    exe = find_chromium()
    if exe is None:
        raise PdfUnavailable(
            "Chromium not found (install Debian's package: apt-get install chromium); "
            "the HTML report was written"
        )
    pdf_path = Path(pdf_path)
    tmp_pdf = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp")
    with tempfile.TemporaryDirectory(prefix="bip-chromium-") as profile:
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp_pdf}",
            Path(html_path).resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            tmp_pdf.unlink(missing_ok=True)
            raise PdfUnavailable(f"Chromium did not finish within {timeout:.0f} s") from e
    if proc.returncode != 0 or not tmp_pdf.exists() or tmp_pdf.stat().st_size == 0:
        tmp_pdf.unlink(missing_ok=True)
        tail = (proc.stderr or "").strip().splitlines()[-3:]
        raise PdfUnavailable(f"Chromium failed (exit {proc.returncode}): {' | '.join(tail)}")
    os.replace(tmp_pdf, pdf_path)
    return pdf_path
