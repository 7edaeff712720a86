"""What every reference-data builder shares: deterministic files and manifest entries.

A builder is ``build(source: Path, out: Path) -> list[BuiltTable]``: it reads raw files
under ``source`` (the ``shared/data`` folder), writes its compiled tables into ``out``
(``immex/data``) byte-for-byte reproducibly (sorted rows, UTF-8, LF, no timestamps) and
returns one :class:`BuiltTable` per file for the manifest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: where the compiled tables live inside the package
DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the source root, e.g. "ligie/ligie_2022_consolidated.txt"
    sha256: str
    as_of: str  # as stated in PROVENANCE.md
    attribution: str = ""


@dataclass(frozen=True)
class BuiltTable:
    name: str  # file name under immex/data
    rows: int
    sources: tuple[SourceFile, ...]
    as_of: str
    description: str = ""
    notes: tuple[str, ...] = field(default=())


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_file(root: Path, rel: str, as_of: str, attribution: str = "") -> SourceFile:
    return SourceFile(rel, sha256_file(root / rel), as_of, attribution)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV deterministically (LF line ends, minimal quoting). Returns the row count."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    n = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return n


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path.write_bytes(text.encode("utf-8"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_json(path: Path) -> Any:
    """A JSON source file (UTF-8)."""
    return json.loads(path.read_text(encoding="utf-8"))
