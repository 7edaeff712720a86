"""Generate SYNTHETIC Data Stage extractions in the real physical format (tests, benchmarks).

Every value is invented (RFC ``XAXX010101000``-style generic RFCs, names marked
SINTETICA). The files reproduce every physical trait of real extractions: Windows-1252
text (Ñ, É, Ó, Ø…), pipe-delimited rows with a trailing ``|`` and CRLF, header lines, empty
tables as a header without a final CRLF, NUL/space padding, unpadded original keys in 512
and 701 (pedimentos of 2020 start with ``0``, patents below 1000), dates with and without
a time, leading-dot decimals, whole-peso values, 512 rows without a fracción, rectifications
(TipoPedimento 2 + a 701 row). (Rows with an extra empty field, as in the hand-made sample's
551, are not produced: the reader tolerates them, see ``reader._TableNormalizer.repair``.)

The content is a small IMMEX plant: temporary imports (IN, some AF, A1) with lines,
returns (RT) and virtual transfers (V1) discharging earlier IN/AF lines through 512 rows,
and some rectified imports. Same ``seed`` → byte-identical ZIP.
"""

from __future__ import annotations

import random
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

from immex.datastage.layout import LAYOUTS, TABLE_CODES

SYNTHETIC_RFC = "XAXX010101000"
_DESCRIPTIONS = (
    "ARNÉS ELÉCTRICO", "TORNILLO DE ACERO", "CONECTOR PLÁSTICO", "BOBINA DE COBRE Ø 2MM",
    "TERMINAL ¼ PULG", "ETIQUETA AÑO MODELO", "CAJA DE CARTÓN", "RESINA PVC", "MOLDE DE INYECCIÓN",
    "CABLE AISLADO CALIBRE 18", "TUERCA HEXAGONAL", "ESPUMA DE POLIURETANO",
)  # fmt: skip
_FRACCIONES = (
    ("85443099", 6), ("73181599", 1), ("85369099", 6), ("74081999", 1), ("85369001", 6),
    ("48191001", 1), ("39041001", 1), ("84807101", 6), ("85444299", 1), ("73181699", 1),
)  # fmt: skip
_COUNTRIES = ("USA", "CHN", "DEU", "JPN", "KOR", "MEX", "TWN")


@dataclass
class GeneratedSet:
    path: Path
    folio: str
    rfc: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Line:
    fraccion: str
    secuencia: int
    umt: int
    qty_umt_e5: int  # quantity × 10^5
    qty_umc_e3: int


@dataclass
class _Ped:
    patente: str
    pedimento: str
    aduana: str
    clave: str
    op: int
    paid: datetime
    lines: list[_Line] = field(default_factory=list)
    tipo: int = 1


class _Writer:
    """One temporary .asc file per table, CRLF rows, Windows-1252."""

    def __init__(self, tmp: Path, folio: str) -> None:
        self.files: dict[str, IO[bytes]] = {}
        self.paths: dict[str, Path] = {}
        self.counts: dict[str, int] = dict.fromkeys(TABLE_CODES, 0)
        self.buf: dict[str, list[str]] = {c: [] for c in TABLE_CODES}
        for code in TABLE_CODES:
            p = tmp / f"{folio}_{code}.asc"
            self.paths[code] = p
            self.files[code] = p.open("wb")
            self.files[code].write(LAYOUTS[code].header.encode("cp1252"))

    def row(self, code: str, fields: list[str]) -> None:
        self.buf[code].append("\r\n" + "|".join(fields) + "|")
        self.counts[code] += 1
        if len(self.buf[code]) >= 20_000:
            self._flush(code)

    def _flush(self, code: str) -> None:
        self.files[code].write("".join(self.buf[code]).encode("cp1252"))
        self.buf[code] = []

    def close(self) -> None:
        for code, fh in self.files.items():
            self._flush(code)
            if self.counts[code]:
                fh.write(b"\r\n")  # non-empty tables end with CRLF; empty ones do not
            fh.close()


#: the customs broker's CURP (``CurpAgenteA``) in the synthetic 501 records: a sample value
#: made up for this generator, not a person's and not an official generic CURP (the project's
#: sources name none): the form of a CURP (RENAPO) — "MUES" (muestra) for the name letters,
#: born 1980-01-01, H, Ciudad de México (DF), internal consonants S T R, homoclave 0 — with
#: its check digit computed, so a reader that checks CURPs takes it
AGENT_CURP = "MUES800101HDFSTR00"

def _dec(value_e: int, places: int, leading_dot: bool) -> str:
    neg = value_e < 0
    value_e = abs(value_e)
    whole, frac = divmod(value_e, 10**places)
    text = f"{whole}.{frac:0{places}d}"
    if leading_dot and whole == 0:
        text = text[1:]
    return ("-" if neg else "") + text


def generate_datastage(
    out_dir: str | Path,
    *,
    seed: int = 0,
    lines: int = 200,
    lines_per_pedimento: int = 8,
    folio: str | None = None,
    rfc: str = SYNTHETIC_RFC,
    start: date = date(2020, 11, 2),
    days: int = 1500,
    pitfalls: bool = True,
    companions: bool = True,
) -> GeneratedSet:
    """Write ``<folio>_solicitudes.zip`` into ``out_dir`` with about ``lines`` 551 rows.

    ``companions`` adds the per-line tables (554, 556, 557, 558) at roughly the ratios seen
    in real extractions; ``pitfalls`` turns on every physical irregularity listed above.
    """
    rnd = random.Random(seed)
    folio = folio or f"999{seed % 10000:04d}"
    out = Path(out_dir) / f"{folio}_solicitudes.zip"
    aduanas = ("240", "400", "640", "070")
    patentes = ("3999", "0345", "1628") if pitfalls else ("3999", "1628")
    seq: dict[tuple[int, str, str], int] = {}

    def new_number(paid: datetime, patente: str, aduana: str) -> str:
        k = (paid.year, patente, aduana)
        seq[k] = seq.get(k, 0) + 1
        return f"{paid.year % 10}{seq[k]:06d}"

    def pad(text: str, width: int = 10) -> str:
        if pitfalls and rnd.random() < 0.2:
            return text + "\x00" * (width - len(text)) if len(text) < width else text
        return text

    def stamp(d: datetime, with_time: bool = True) -> str:
        if pitfalls and rnd.random() < 0.05:
            with_time = not with_time
        return d.strftime("%Y-%m-%d %H:%M:%S") if with_time else d.strftime("%Y-%m-%d")

    def unpad(text: str) -> str:
        return str(int(text)) if pitfalls else text

    with tempfile.TemporaryDirectory() as tmpdir:
        w = _Writer(Path(tmpdir), folio)
        imports: list[_Ped] = []
        t0 = datetime.combine(start, datetime.min.time()) + timedelta(hours=8)
        n_lines = 0
        step = days / max(1, lines / max(1, lines_per_pedimento))
        i = 0
        while n_lines < lines:
            i += 1
            paid = t0 + timedelta(days=int(i * step * 0.8), minutes=rnd.randrange(0, 600))
            r = rnd.random()
            if r < 0.72 or not imports:
                clave, op = ("IN", 1) if rnd.random() < 0.85 else (("AF", 1) if rnd.random() < 0.6
                                                                     else ("A1", 1))  # fmt: skip
            else:
                clave, op = ("RT", 2) if rnd.random() < 0.7 else ("V1", 2)
            patente, aduana = rnd.choice(patentes), rnd.choice(aduanas)
            ped = _Ped(patente, new_number(paid, patente, aduana), aduana, clave, op, paid)
            nl = max(1, min(lines - n_lines, rnd.randint(1, 2 * lines_per_pedimento - 1)))
            _write_pedimento(w, rnd, ped, nl, rfc, pitfalls, pad, stamp, companions)
            n_lines += nl
            if op == 1:
                imports.append(ped)
                if pitfalls and len(imports) % 20 == 3:  # a rectification of this import
                    rpaid = paid + timedelta(days=rnd.randint(1, 20))
                    rect = _Ped(patente, new_number(rpaid, patente, aduana), aduana, clave, 1,
                                rpaid, tipo=2)  # fmt: skip
                    _write_pedimento(w, rnd, rect, len(ped.lines), rfc, pitfalls, pad, stamp,
                                     companions, like=ped)  # fmt: skip
                    n_lines += len(ped.lines)
                    w.row("701", [
                        patente, rect.pedimento, aduana, clave, rpaid.strftime("%Y-%m-%d"),
                        unpad(ped.pedimento), unpad(patente), aduana, clave,
                        paid.strftime("%Y-%m-%d"), "0", "0", rnd.choice([" ", "\x00"]),
                        stamp(rpaid),
                    ])  # fmt: skip
                    imports[-1] = rect
            else:
                _write_discharges(w, rnd, ped, imports, pitfalls, unpad, stamp)
        w.row("Resumen", [folio, rfc, start.isoformat(), (start + timedelta(days=days)).isoformat(),
                          (start + timedelta(days=days + 5)).isoformat(), str(w.counts["551"]),
                          str(w.counts["510"])])  # fmt: skip
        w.close()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for code in TABLE_CODES:
                info = zipfile.ZipInfo(f"{folio}_{code}.asc", date_time=(2025, 8, 5, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w") as dst, w.paths[code].open("rb") as src:
                    while block := src.read(1 << 20):
                        dst.write(block)
        return GeneratedSet(out, folio, rfc, dict(w.counts))


def _write_pedimento(
    w: _Writer,
    rnd: random.Random,
    ped: _Ped,
    nl: int,
    rfc: str,
    pitfalls: bool,
    pad: Callable[..., str],
    stamp: Callable[..., str],
    companions: bool,
    like: _Ped | None = None,
) -> None:
    p, n, a = ped.patente, ped.pedimento, ped.aduana
    paid = ped.paid
    recv = paid - timedelta(minutes=rnd.randint(1, 300))
    tc = 1700000 + rnd.randrange(0, 600000)  # × 10^-5
    w.row("501", [
        p, n, a, str(ped.op), ped.clave, a, "", rfc, AGENT_CURP, _dec(tc, 5, False),
        str(rnd.choice([0, 0, 1500, 23000])), "0", "0", str(rnd.choice([0, 0, 850])),
        rnd.choice(["0", "0", ""]), _dec(rnd.randrange(1000, 9999999), 3, False),
        "7", "7", "7", "9", "EMPRESA SINTETICA GENERADA SA DE CV", "AV. PRUEBA Nº 1", "",
        "100", "66600", "APODACA", pad(rnd.choice(["NL", " ", ""])) or " ", pad("MEX"),
        str(ped.tipo), stamp(recv), stamp(paid),
    ])  # fmt: skip
    d = paid.strftime("%Y-%m-%d")
    if ped.op == 1:
        w.row("506", [p, n, a, "1", d, stamp(paid)])
    w.row("506", [p, n, a, "2", d, stamp(paid)])
    w.row("507", [p, n, a, "IM", "1234-2006", str(ped.tipo), "", stamp(paid)])
    w.row("509", [p, n, a, "15", "408.00000", "4", str(ped.tipo), stamp(paid)])
    w.row("510", [p, n, a, "15", "0", "408", str(ped.tipo), stamp(paid)])
    w.row("505", [
        p, n, a, (paid - timedelta(days=3)).strftime("%Y-%m-%d"), f"INV-{n}", "DAP", "USD",
        _dec(rnd.randrange(100, 10**9), 2, False), _dec(rnd.randrange(100, 10**9), 2, False),
        "USA", " ", "123456789", "PROVEEDOR SINTÉTICO INC", "MAIN ST", "", "100", "78040",
        "LAREDO", stamp(paid),
    ])  # fmt: skip
    w.row("Sel", [p, n, a, "0", "1", d, "09:20", rnd.choice(["1", "1", "1", "0"]), ped.clave,
                  str(ped.op)])  # fmt: skip
    for k in range(1, nl + 1):
        if like is not None:
            base = like.lines[k - 1]
            frac, umt = base.fraccion, base.umt
            q5 = base.qty_umt_e5 + rnd.choice([0, 0, 100000, -50000])
            q3 = base.qty_umc_e3
        else:
            frac, umt = rnd.choice(_FRACCIONES)
            q3 = rnd.randrange(1000, 50_000_000)
            q5 = q3 * 100 if umt == 6 else rnd.randrange(10_000, 5_000_000_000)
        q5 = max(q5, 1000)
        ped.lines.append(_Line(frac, k, umt, q5, q3))
        price5 = rnd.randrange(1000, 5_000_000)
        leading = pitfalls and price5 < 100000
        usd2 = max(1, q3 * price5 // 10**6)
        mxn = usd2 * 20 // 100
        w.row("551", [
            p, n, a, frac, str(k), rnd.choice(["00", "99", "01", ""]) if pitfalls else "00",
            rnd.choice(_DESCRIPTIONS), _dec(price5, 5, leading),
            str(mxn if ped.op == 1 else 0), str(mxn), _dec(usd2, 2, False), _dec(q3, 3, False),
            "6", _dec(q5, 5, pitfalls and q5 < 100000), str(umt), rnd.choice(["0", "", "1250"]),
            "0", "1", "", "", "", rnd.choice(_COUNTRIES), "USA",
            *([rnd.choice([" ", "\x00", ""]) for _ in range(4)] if pitfalls else [" "] * 4),
            str(ped.op), ped.clave, stamp(paid),
        ])  # fmt: skip
        if companions:
            w.row("554", [p, n, a, frac, str(k), "TL", "USA", "", stamp(paid)])
            if rnd.random() < 0.4:
                w.row("556", [p, n, a, frac, str(k), "3", "16.00000", "1", stamp(paid)])
                w.row("557", [p, n, a, frac, str(k), "3", "21", str(mxn * 16 // 100),
                              stamp(paid)])  # fmt: skip
            if rnd.random() < 0.3:
                w.row("558", [p, n, a, frac, str(k), "1", "OBSERVACIÓN SINTÉTICA", stamp(paid)])


def _write_discharges(
    w: _Writer,
    rnd: random.Random,
    ped: _Ped,
    imports: list[_Ped],
    pitfalls: bool,
    unpad: Callable[[str], str],
    stamp: Callable[..., str],
) -> None:
    temporaries = [x for x in imports[-200:] if x.clave in ("IN", "AF") and x.lines]
    if not temporaries:
        return
    for orig in rnd.sample(temporaries, min(len(temporaries), rnd.randint(1, 4))):
        line = rnd.choice(orig.lines)
        qty = max(1, line.qty_umt_e5 * rnd.randint(1, 40) // 100)
        no_frac = pitfalls and w.counts["512"] % 10 == 1  # 512 rows without fracción
        w.row("512", [
            ped.patente, ped.pedimento, ped.aduana, unpad(orig.patente), unpad(orig.pedimento),
            orig.aduana, orig.clave, orig.paid.strftime("%Y-%m-%d"),
            "" if no_frac else line.fraccion, "" if no_frac else str(line.umt),
            "" if no_frac else _dec(qty // 100 * 100, 5, False)[:-2],
            str(ped.tipo), stamp(ped.paid),
        ])  # fmt: skip
