"""Unpack a dataset zip (the analyst's download, a run's ``dataset.zip``) safely, streaming.

Used by ``bip import-db DATASET.zip`` and the web import.
"""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path
from typing import IO

MAX_ZIP_BYTES = 32 * 1024**3  # unpacked: a guard against zip bombs filling the disk
_CHUNK = 1 << 20


class ZipRejected(ValueError):
    """A dataset zip that cannot be unpacked safely; the message is one line naming why."""


def extract_dataset_zip(
    src: Path | str | IO[bytes], dest: Path, *, max_bytes: int = MAX_ZIP_BYTES, label: str = ""
) -> Path:
    """Unpack the ``.csv``/``.parquet`` files of a dataset zip into the folder ``dest``.

    The tables may sit in a sub-folder of the zip (the analyst's download has them in
    ``bip-dataset/``); they are written flat into ``dest``. Each member is streamed in 1 MiB
    chunks, never read whole into memory, and the unpacked bytes are counted as they are
    written (the sizes a zip declares can lie). Raises :class:`ZipRejected` - for a file that is
    not a zip, a damaged member (bad CRC), an absolute or ``..`` path, two tables of the same
    name, or more than ``max_bytes`` unpacked - with ``dest`` left empty.
    """
    label = label or (str(src) if isinstance(src, str | Path) else "the zip file")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        _extract(src, dest, max_bytes, label)
    except ZipRejected:
        _empty(dest)
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        _empty(dest)
        raise ZipRejected(f"{label}: damaged or not a zip file ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encryption
        _empty(dest)
        raise ZipRejected(f"{label}: cannot unpack ({exc})") from None
    return dest


def _extract(src, dest: Path, max_bytes: int, label: str) -> None:
    total = 0
    with zipfile.ZipFile(src) as z:
        seen: set[str] = set()
        for info in z.infolist():
            if info.is_dir():
                continue
            parts = Path(info.filename).parts
            if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in info.filename:
                raise ZipRejected(f"{label}: unsafe path in the zip: {info.filename}")
            name = parts[-1]
            if not name.endswith((".csv", ".parquet")):
                continue
            if name in seen:
                raise ZipRejected(f"{label}: two files named {name} in the zip")
            seen.add(name)
            with z.open(info) as fin, open(dest / name, "wb") as fout:
                while chunk := fin.read(_CHUNK):
                    total += len(chunk)
                    if total > max_bytes:
                        raise ZipRejected(
                            f"{label}: more than {max_bytes // 1024**2} MiB unpacked; too large"
                        )
                    fout.write(chunk)


def _empty(folder: Path) -> None:
    for f in folder.iterdir():
        if f.is_dir():
            shutil.rmtree(f, ignore_errors=True)
        else:
            f.unlink(missing_ok=True)
