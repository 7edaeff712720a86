"""Fuzz and round-trip properties of the one table reader: whatever the bytes, the reader
gives rows or one UnreadableFile/WrongLayout — never another exception; and any table
written in a supported encoding and separator reads back cell for cell."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immex.files import LAYOUTS, Layout, UnreadableFile, WrongLayout, open_table
from tests.support_files import SPANISH, broken_files, xlsx_bytes

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsb", ".ods", ".xls", ".tsv")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TMP = Path(tempfile.mkdtemp(prefix="immex-files-fuzz-"))


def read_all(data: bytes, suffix: str, layout: Layout | None) -> None:
    path = TMP / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        table = open_table(path, layout)
        for line, cells in table.rows:
            assert line >= 1 and all(isinstance(c, str) for c in cells)
    except (UnreadableFile, WrongLayout) as exc:
        assert exc.errors and all(e.message for e in exc.errors)
        assert all(e.source == path.name for e in exc.errors)


LAYOUT_CHOICE = st.sampled_from([None, *LAYOUTS.values()])


@FUZZ
@given(data=st.binary(max_size=2048), suffix=st.sampled_from(SUFFIXES), layout=LAYOUT_CHOICE)
def test_random_bytes_never_escape(data: bytes, suffix: str, layout: Layout | None) -> None:
    read_all(data, suffix, layout)


SEEDS = [
    SPANISH.encode("utf-8"),
    SPANISH.encode("cp1252"),
    SPANISH.replace(";", "\t").encode("utf-16"),
    xlsx_bytes([["pedimento", "clave"], ["1", "IN"]]),
    *broken_files().values(),
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "cut":
            del data[at:]
        elif op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif data:
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


@FUZZ
@given(data=mutated(), suffix=st.sampled_from(SUFFIXES), layout=LAYOUT_CHOICE)
def test_damaged_real_files_never_escape(data: bytes, suffix: str, layout: Layout | None) -> None:
    read_all(data, suffix, layout)


# --------------------------------------------------------------------------- round trips

COLUMNS = list(LAYOUTS["pedimentos"].required)
CELL = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), include_characters=',;\t|" \n'
    ),
    max_size=12,
)
ROW = st.lists(CELL, min_size=len(COLUMNS), max_size=len(COLUMNS)).filter(
    lambda r: r[0].strip() != ""
)
WORDS = st.sampled_from(
    ["cilíndrica", "Ñandú", "piñón", "año", "válvula", "acción", "Güero", "¿qué?", "niño",
     "MÉXICO", "ésta", "camión", "€ 5", "“comillas”", "pieza", "12.5", "2025-01-10", "USA"]
)  # fmt: skip
CP1252_ROW = st.lists(WORDS, min_size=len(COLUMNS), max_size=len(COLUMNS))


def write(rows: list[list[str]], delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([COLUMNS, *rows])
    return buf.getvalue()


@FUZZ
@given(
    rows=st.lists(ROW, min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_unicode_tables_read_back(rows: list[list[str]], delimiter: str, codec: str) -> None:
    path = TMP / "round.csv"
    path.write_bytes(write(rows, delimiter).encode(codec))
    table = open_table(path, LAYOUTS["pedimentos"])
    assert table.header == COLUMNS and table.delimiter == delimiter
    got = [cells for _, cells in table.rows]
    assert got == [[c.replace("\r\n", "\n") for c in r] for r in rows if any(x.strip() for x in r)]


@FUZZ
@given(rows=st.lists(CP1252_ROW, min_size=1, max_size=8), delimiter=st.sampled_from([",", ";"]))
def test_windows_1252_tables_read_back(rows: list[list[str]], delimiter: str) -> None:
    path = TMP / "round1252.csv"
    path.write_bytes(write(rows, delimiter).encode("cp1252"))
    table = open_table(path, LAYOUTS["pedimentos"])
    assert [cells for _, cells in table.rows] == rows
    if any(not "".join(r).isascii() for r in rows):
        assert table.encoding is not None and table.encoding.label == "Windows-1252"
