"""Delimited text: which separator the file uses, then its rows, streamed.

The separator is chosen among ``,`` ``;`` tab and ``|`` on the first lines: the one whose
header names the most columns the import expects, then the one that splits every line into
as many fields as the header; ties go to ``,``. A separator other than ``,`` is said in a
note, so a person who sees odd values knows how the file was read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from immex.domain.messages import Template
from immex.files.encoding import Encoding, locate_decode_error
from immex.files.errors import UnreadableFile
from immex.files.headers import Layout, header_key

MALFORMED = Template(
    "file.malformed",
    "not a well-formed {value}-separated file ({exc}); check the quotes on that line, or save "
    "the file again from Excel",
)


DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {
    ",": Template("import.file.sep_comma", "comma")(),
    ";": Template("import.file.sep_semicolon", "semicolon (;)")(),
    "\t": Template("import.file.sep_tab", "tab")(),
    "|": Template("import.file.sep_pipe", "pipe (|)")(),
}
READ_WITH = Template("import.file.read_with", "read as {name}-separated (not comma-separated)")
#: lines looked at to choose the separator
PROBE_LINES = 50
csv.field_size_limit(1 << 24)


@dataclass(frozen=True, slots=True)
class Dialect:
    delimiter: str
    note: str | None


def _probe(sample: str, delimiter: str) -> list[list[str]]:
    lines = sample.splitlines()[:PROBE_LINES]
    if len(lines) > 1 and len(sample) >= 1 << 20:
        lines.pop()  # cut by the sample size
    try:
        return [row for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return []


def choose_delimiter(sample: str, layout: Layout | None) -> Dialect:
    """The separator of the text whose first characters are ``sample``."""
    keys = set(layout.keys()) if layout is not None else set()
    best: tuple[tuple[int, int, float, int], str] | None = None
    for delimiter in DELIMITERS:
        rows = _probe(sample, delimiter)
        if not rows:
            continue
        width = len(rows[0])
        known = sum(1 for cell in rows[0] if header_key(cell) in keys)
        same = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (known, int(width > 1), same if width > 1 else 0.0, width)
        if best is None or score > best[0]:
            best = (score, delimiter)
    delimiter = best[1] if best is not None else ","
    note = None
    if delimiter != ",":
        note = READ_WITH(name=DELIMITER_NAMES[delimiter])
    return Dialect(delimiter, note)


def text_rows(
    path: Path, source: str, enc: Encoding, dialect: Dialect
) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of every non-blank record (line: where the record starts)."""
    try:
        with path.open("r", encoding=enc.codec, newline="") as fh:
            reader = csv.reader(fh, delimiter=dialect.delimiter)
            end = 0
            for row in reader:
                start, end = end + 1, reader.line_num
                if row and (row[0].strip() or any(c.strip() for c in row)):
                    yield start, row
    except UnicodeDecodeError:
        raise locate_decode_error(path, source, enc) from None
    except csv.Error as exc:
        raise UnreadableFile(
            source,
            MALFORMED(value=DELIMITER_NAMES[dialect.delimiter], exc=exc),
            line=end + 1,
        ) from None
