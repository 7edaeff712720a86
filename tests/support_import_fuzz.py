"""Generated bad files for every importer (the CLI fuzz test and its benchmark).

Every file made here is wrong *by construction* — random bytes, another kind of file, a
damaged workbook or ZIP, text in a broken encoding, a header that lacks a column, or a row
with a value no importer accepts — so the only right answer of an importer is exit 2 with
a message and nothing written. Files are drawn from a seeded ``random.Random``: a failure
names the seed and the index, which makes the very file again.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from immex.files import LAYOUTS as FILE_LAYOUTS
from tests.support_datastage import M3_SAMPLE, SAMPLE


@dataclass(frozen=True)
class Layout:
    """A text importer: command, header, one good row, and per column a value it refuses."""

    command: tuple[str, ...]
    header: tuple[str, ...]
    good: tuple[str, ...]
    bad: dict[str, str]


TEXT_IMPORTERS: dict[str, Layout] = {
    "materials": Layout(
        ("import", "materials"),
        ("part_number", "description", "kind", "fraccion", "umc"),
        ("RES-10K", "Resistencia cilíndrica 10k", "input", "8533.21.01", "Pza"),
        {"kind": "bogus", "fraccion": "9999", "umc": "", "part_number": "x" * 81},
    ),
    "products": Layout(
        ("import", "products"),
        ("part_number", "description", "fraccion", "umc"),
        ("HARN-1", "Arnés de piñón", "8544.30.01", "Pza"),
        {"fraccion": "12.34", "description": "", "umc": ""},
    ),
    "bom": Layout(
        ("import", "bom"),
        ("product", "component", "qty_per_unit", "scrap_pct", "valid_from", "valid_to"),
        ("HARN-1", "RES-10K", "4", "2.5", "", "2025-06-30"),
        {"qty_per_unit": "-1", "scrap_pct": "abc", "valid_from": "2025-13-45"},
    ),
    "pedimentos": Layout(
        ("import", "pedimentos"),
        ("pedimento", "clave", "date", "part_number", "quantity", "value_usd", "origin"),
        ("25 47 3012 5000001", "IN", "2025-01-10", "RES-10K", "1000", "50.00", "CHN"),
        {"date": "2025-13-45", "quantity": "abc", "pedimento": "12", "value_usd": "-3"},
    ),
    "shipments": Layout(
        ("import", "shipments"),
        ("document", "kind", "date", "product", "quantity", "destination"),
        ("EXP-1", "export", "2025-03-01", "HARN-1", "10", "USA"),
        {"quantity": "abc", "date": "ayer", "kind": "regalo"},
    ),
    "prosec": Layout(
        ("rates", "load", "prosec"),
        ("sector", "sector_name", "fraccion", "arancel", "vigencia_desde", "acotacion", "fuente"),
        ("I", "Industria Eléctrica", "7208.39.01", "Ex.", "2026-04-24", "", "DOF 23-04-2026"),
        {"sector": "ZZ", "vigencia_desde": "mañana", "arancel": "mucho"},
    ),
    "fta": Layout(
        ("rates", "load", "fta"),
        ("agreement", "origin_countries", "fraccion", "rate", "valid_from", "source"),
        ("TMEC", "USA;CAN", "8501.10.01", "Ex.", "2020-07-01", "T-MEC (ILLUSTRATIVE)"),
        {"origin_countries": "US", "rate": "abc", "valid_from": "2020-13-01", "source": ""},
    ),
    "amendments": Layout(
        ("rates", "load", "amendments"),
        ("fraccion", "rate", "valid_from", "source"),
        ("8501.10.01", "5", "2026-01-01", "DOF (ILLUSTRATIVE)"),
        {"fraccion": "85.01", "valid_from": "01/13/2026", "source": ""},
    ),
    "fix": Layout(
        ("rates", "load", "fix"),
        ("fecha", "tipo_cambio"),
        ("2026-11-02", "18.1234"),
        {"tipo_cambio": "-5", "fecha": "2026-11-07"},  # a Saturday
    ),
    "inpc": Layout(
        ("rates", "load", "inpc"),
        ("year", "month", "valor"),
        ("2026", "10", "141.5"),
        {"valor": "abc", "month": "13"},
    ),
    "parameters": Layout(
        ("rates", "load", "parameters"),
        ("name", "valid_from", "valid_to", "value", "source", "confidence"),
        ("recargos.lif_monthly_rate", "2025-01-01", "2025-12-31", "1.47", "ILLUSTRATIVE", "L"),
        {"name": "no.such.parameter", "value": "abc", "confidence": "Z"},
    ),
}
#: importers of SAT files: command and the sample the damaged files start from
SAT_IMPORTERS: dict[str, tuple[tuple[str, ...], Path, str]] = {
    "datastage": (("import", "datastage"), SAMPLE, ".zip"),
    "m3": (("import", "m3"), M3_SAMPLE, ".062"),
}
#: importers of official workbooks: the command with its options
WORKBOOK_IMPORTERS: dict[str, tuple[str, ...]] = {
    "tariff": ("rates", "load", "tariff", "--in-force-from", "2026-01-01", "--source", "DOF"),
}
IMPORTERS = (*TEXT_IMPORTERS, *SAT_IMPORTERS, *WORKBOOK_IMPORTERS)

NOT_TABLES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\xff\xd8\xff\xe0\x00\x10JFIF",
    b"GIF89a",
    b"%PDF-1.7\n",
    b"\x1f\x8b\x08\x00",
    b"\x7fELF\x02\x01\x01",
    b"SQLite format 3\x00",
    b"Rar!\x1a\x07\x00",
)
SUFFIXES = (".csv", ".txt", ".xlsx", ".xls", ".ods", ".xlsb", ".tsv", ".dat")


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(rows: list[list[str]], delimiter: str, ending: str = "\r\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=ending).writerows(rows)
    return buf.getvalue()


class Generator:
    """Bad files for one importer; :meth:`files` yields ``(family, suffix, bytes)``."""

    def __init__(self, importer: str, seed: int) -> None:
        self.importer = importer
        self.rng = random.Random(f"{importer}:{seed}")
        self.layout = TEXT_IMPORTERS.get(importer)
        self._workbooks: list[bytes] = []

    # ------------------------------------------------------------------ shared families
    def random_bytes(self) -> tuple[str, bytes]:
        n = self.rng.choice([0, 1, 2, 7, 64, 512, 4096])
        return self.rng.choice(SUFFIXES), self.rng.randbytes(n)

    def wrong_kind(self) -> tuple[str, bytes]:
        head = self.rng.choice(NOT_TABLES)
        if self.rng.random() < 0.3:  # a ZIP of other things, or a Word document
            data = _zip({"word/document.xml": b"<w/>"} if self.rng.random() < 0.5 else
                        {"notas.txt": b"hola", "foto.png": NOT_TABLES[0]})  # fmt: skip
            return self.rng.choice((".xlsx", ".csv", ".zip", ".ods")), data
        return self.rng.choice(SUFFIXES + (".zip",)), head + self.rng.randbytes(200)

    def truncated_zip(self, data: bytes, suffix: str) -> tuple[str, bytes]:
        """A ZIP cut anywhere before its central directory's end is unreadable."""
        return suffix, data[: self.rng.randrange(0, len(data) - 22)]

    # ------------------------------------------------------------------ text importers
    def _rows(self, bad: bool) -> list[list[str]]:
        layout = self.layout
        assert layout is not None
        rows = [list(layout.good) for _ in range(self.rng.randint(0, 5))]
        if bad:
            column, value = self.rng.choice(sorted(layout.bad.items()))
            row = list(layout.good)
            row[layout.header.index(column)] = value
            rows.insert(self.rng.randint(0, len(rows)), row)
        return rows

    def _encode(self, text: str) -> bytes:
        codec = self.rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252", "utf-16-le"])
        return text.encode(codec, errors="replace")

    def bad_value(self) -> tuple[str, bytes]:
        assert self.layout is not None
        rows = [list(self.layout.header), *self._rows(bad=True)]
        if self.rng.random() < 0.15:
            return ".xlsx", _xlsx(rows)
        delimiter = self.rng.choice([",", ";", "\t"])
        return self.rng.choice((".csv", ".txt")), self._encode(_csv(rows, delimiter))

    def missing_column(self) -> tuple[str, bytes]:
        """A required column left out (for FIX and INPC, whose columns are all optional to
        the reader, the value column)."""
        assert self.layout is not None
        header = list(self.layout.header)
        required = FILE_LAYOUTS[self.importer].required or (header[-1],)
        drop = header.index(self.rng.choice([c for c in header if c in required]))
        rows = [[c for i, c in enumerate(r) if i != drop] for r in [header, *self._rows(False)]]
        delimiter = self.rng.choice([",", ";", "\t"])
        return ".csv", self._encode(_csv(rows, delimiter))

    def broken_encoding(self) -> tuple[str, bytes]:
        assert self.layout is not None
        text = _csv([list(self.layout.header), *self._rows(bad=False)], ",")
        if self.rng.random() < 0.5:  # UTF-16 without BOM cut in the middle of a character
            data = text.encode("utf-16-le")
            return ".csv", data[: max(1, self.rng.randrange(1, len(data), 2))]
        # UTF-8 with accents, then a Windows-1252 line: a file of two encodings
        extra = ",".join(self.layout.good).replace("e", "é").encode("cp1252")
        return ".csv", text.encode("utf-8") + "ñ".encode() + b"\n" + extra + b"\xe9\n"

    def damaged_workbook(self) -> tuple[str, bytes]:
        assert self.layout is not None
        if len(self._workbooks) < 3:
            rows = [list(self.layout.header), *self._rows(bad=False)]
            self._workbooks.append(_xlsx(rows))
        return self.truncated_zip(self.rng.choice(self._workbooks), ".xlsx")

    # ------------------------------------------------------------------ SAT importers
    def damaged_official_workbook(self) -> tuple[str, bytes]:
        if not self._workbooks:
            header = ["FRACCION", "DESCRIPCION", "UMT", "IGI", "IGE"]
            self._workbooks.append(_xlsx([header, ["8501.10.01", "Motores", "Pza", "5", "Ex."]]))
        return self.truncated_zip(self._workbooks[0], self.rng.choice((".xlsx", ".xlsb")))

    def sat_damaged(self) -> tuple[str, bytes]:
        _cmd, sample, suffix = SAT_IMPORTERS[self.importer]
        data = sample.read_bytes()
        if self.importer == "datastage":
            return self._damaged_datastage(data, suffix)
        return self._damaged_m3(data, suffix)

    def _damaged_datastage(self, data: bytes, suffix: str) -> tuple[str, bytes]:
        choice = self.rng.random()
        if choice < 0.4:
            return self.truncated_zip(data, suffix)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            files = {i.filename: zf.read(i) for i in zf.infolist()}
        name = self.rng.choice(sorted(n for n in files if n.endswith(".asc")))
        body = files[name]
        if choice < 0.6:  # the header of a table changed
            files[name] = b"Columna|Otra|" + body[body.find(b"\r\n") :]
        elif choice < 0.8:  # the table saved as UTF-16 by an editor
            files[name] = codecs.BOM_UTF16_LE + body.decode("cp1252").encode("utf-16-le")
        else:  # no general-data table: not an extraction
            files = {n: b for n, b in files.items() if not n.endswith("_501.asc")}
        return suffix, _zip(files)

    def _damaged_m3(self, data: bytes, suffix: str) -> tuple[str, bytes]:
        lines = data.split(b"\n")
        choice = self.rng.random()
        if choice < 0.4:  # cut before the 801 trailer
            cut = self.rng.randrange(0, max(1, len(lines) - 2))
            return suffix, b"\n".join(lines[:cut])
        if choice < 0.7:  # a record type that does not exist
            i = self.rng.randrange(len(lines) - 1)
            lines[i] = b"999|" + lines[i].partition(b"|")[2]
            return suffix, b"\n".join(lines)
        # UTF-16 without BOM, cut in the middle of a character
        body = data.decode("cp1252").encode("utf-16-le")
        return suffix, body[: self.rng.randrange(1, len(body), 2)]

    # ------------------------------------------------------------------ the mix
    def families(self) -> list[tuple[str, float, Callable[[], tuple[str, bytes]]]]:
        shared = [("random bytes", 0.2, self.random_bytes), ("wrong kind", 0.15, self.wrong_kind)]
        if self.importer in WORKBOOK_IMPORTERS:
            return [*shared, ("damaged workbook", 0.65, self.damaged_official_workbook)]
        if self.layout is None:
            return [*shared, ("damaged SAT file", 0.65, self.sat_damaged)]
        return [
            *shared,
            ("bad value", 0.3, self.bad_value),
            ("missing column", 0.1, self.missing_column),
            ("broken encoding", 0.1, self.broken_encoding),
            ("damaged workbook", 0.15, self.damaged_workbook),
        ]

    def files(self, count: int) -> Iterator[tuple[str, str, bytes]]:
        families = self.families()
        weights = [w for _, w, _ in families]
        for _ in range(count):
            family, _w, make = self.rng.choices(families, weights)[0]
            suffix, data = make()
            yield family, suffix, data
