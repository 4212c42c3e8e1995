"""Look at every page of a report PDF as a reader would (used by the test and the bench).

Each page is rasterised with pypdfium2 and its objects' boxes are read:
* no page is blank and no figure is empty (every figure's SVG draws data marks; each page
  has ink);
* nothing is clipped: every text and path object lies inside the printable area (the page
  minus the @page margins, with a small tolerance);
* nothing overlaps: no two text objects on a page cover each other substantially.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MM = 72 / 25.4  # PDF points per millimetre


@dataclass
class PageReport:
    page: int
    ink: float
    outside: list = field(default_factory=list)
    overlaps: list = field(default_factory=list)


def inspect_pdf(
    pdf_path: Path, png_dir: Path | None = None, *, margins_mm=(16, 14, 16, 14), tol_mm: float = 1.5
) -> list[PageReport]:
    """Per page: ink coverage, objects outside the printable area, overlapping text pairs."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out = []
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            w, h = page.get_size()
            img = page.render(scale=1.0).to_pil().convert("L")
            if png_dir is not None:
                img.save(Path(png_dir) / f"page-{i + 1:02d}.png")
            a = np.asarray(img)
            rep = PageReport(i + 1, float((a < 200).mean()))
            top, right, bottom, left = (m * MM for m in margins_mm)
            tol = tol_mm * MM
            texts = []
            # level-0 objects only: the boxes pdfium reports inside form XObjects (Chromium's
            # patterns/hatching) ignore the form's matrix; the form itself is checked instead
            for obj in page.get_objects(max_depth=1):
                if obj.type not in (
                    raw.FPDF_PAGEOBJ_TEXT,
                    raw.FPDF_PAGEOBJ_PATH,
                    raw.FPDF_PAGEOBJ_IMAGE,
                    raw.FPDF_PAGEOBJ_FORM,
                ):
                    continue
                x0, y0, x1, y1 = obj.get_bounds()
                if x1 - x0 > w or y1 - y0 > h:  # full-page background paths
                    continue
                if (
                    x0 < left - tol
                    or x1 > w - right + tol
                    or y0 < bottom - tol
                    or y1 > h - top + tol
                ):
                    rep.outside.append((round(x0), round(y0), round(x1), round(y1)))
                # glyph runs of one word overlap by kerning; words and labels are wider
                if obj.type == raw.FPDF_PAGEOBJ_TEXT and (x1 - x0) > 5 and (y1 - y0) > 2:
                    texts.append((x0, y0, x1, y1))
            texts.sort()
            for j, (ax0, ay0, ax1, ay1) in enumerate(texts):
                for bx0, by0, bx1, by1 in texts[j + 1 :]:
                    if bx0 >= ax1:
                        break
                    ix = min(ax1, bx1) - max(ax0, bx0)
                    iy = min(ay1, by1) - max(ay0, by0)
                    if ix > 0 and iy > 0:
                        small = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
                        if ix * iy > 0.35 * small:
                            rep.overlaps.append(
                                ((round(ax0), round(ay0)), (round(bx0), round(by0)))
                            )
            out.append(rep)
    finally:
        pdf.close()
    return out
