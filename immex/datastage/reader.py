"""Read a SAT Data Stage extraction (``<folio>_solicitudes.zip``).

The physical format (verified on real files): one ``<folio>_<table>.asc`` member per table,
Windows-1252, pipe-delimited, a header line, data rows ending with ``|`` and CRLF, an empty
table being its header alone without a final CRLF; text fields padded with spaces or NUL
bytes; the original-pedimento keys of 512 (and the previous-pedimento keys of 701) unpadded;
dates with or without a time; a leading ``.`` on decimals.

:class:`DataStageZip` streams the rows of each table as tuples of *canonical strings*
(padding stripped, keys zero-padded, ``.5`` → ``0.5``, dates ``YYYY-MM-DD`` and date-times
``YYYY-MM-DD HH:MM:SS``, empty → ``None``), cheap to insert in bulk; :func:`to_record`
turns such a tuple into the typed record of :mod:`immex.datastage.models`.

Every problem becomes an :class:`ErrorRecord` naming the member file, line and field; a
caller that found any error must write nothing of the ZIP.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from immex.datastage import messages as told
from immex.datastage.charset import encoding_problem
from immex.datastage.layout import KEYED_TABLES, LAYOUTS, TABLE_CODES, TableLayout
from immex.datastage.models import RECORD_TYPES
from immex.domain.errors import ErrorRecord
from immex.domain.messages import Template

NOT_A_ZIP = Template("datastage.not_a_zip", "not a readable ZIP: {exc}")
TABLE_TWICE = Template("datastage.table_twice", "table {code} appears twice in the ZIP")
NO_501 = Template("datastage.no_501", "no <folio>_501.asc table: not a Data Stage extraction")


ENCODING = "cp1252"
CHUNK = 1 << 22  # 4 MiB
MAX_ERRORS_PER_TABLE = 50
_ZIP_NAME = re.compile(r"^(?P<folio>[^_/\\]+)_solicitudes\.zip$", re.IGNORECASE)
_MEMBER_NAME = re.compile(
    r"^(?:.*/)?(?P<folio>[^_/]+)_(?P<table>[0-9A-Za-z]+)\.asc$", re.IGNORECASE
)
_CODE_BY_LOWER = {c.lower(): c for c in TABLE_CODES}

Row = tuple[str | None, ...]
_RAW_KEY = re.compile(r"\d{4}\|\d{7}\|\d{3}\|")
_SPACES = re.compile(r" +\| *|\| +")


def strip_padding(text: str) -> str:
    """Remove the spaces / NULs padding fields (and NULs anywhere) of a row.

    NULs go first (anywhere), then the runs of spaces next to a ``|``; the common shape (a
    field that is one blank) through ``str.replace``, the rest through a regular expression
    that only matches where there are spaces to remove."""
    text = text.replace("| |", "||").replace("| |", "||")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "| " in text or " |" in text:
        text = _SPACES.sub("|", text)
    return text


def _needs_strip(text: str) -> bool:
    return "\x00" in text or "| " in text or " |" in text


class _TableNormalizer:
    """Turns a matched line into canonical values; compiled once per table."""

    def __init__(self, layout: TableLayout) -> None:
        self.layout = layout
        self.text_idx = layout.indexes("t", "x")
        self.free_idx = layout.indexes("x")
        self.req_text_idx = tuple(
            i for i, f in enumerate(layout.fields) if f.kind in ("t", "x") and f.required
        )
        self.dec_idx = layout.indexes("n", "m", "r")
        self.pad = tuple(
            (i, {"u4": 4, "u7": 7, "u3": 3}[f.kind])
            for i, f in enumerate(layout.fields)
            if f.kind in ("u4", "u7", "u3")
        )
        self.date_idx = layout.indexes("d")
        self.dt_idx = layout.indexes("dt")
        self.nfields = len(layout.fields)
        self.keyed = layout.code in KEYED_TABLES
        self._valid_dates: set[str] = set()
        # the same language as line_re without capturing groups: a cheaper yes/no
        self._check = re.compile(
            re.sub(r"(?<!\\)\((?!\?)", "(?:", layout.line_re.pattern)
        ).fullmatch
        if not layout.typed:
            self.normalize = self.normalize_raw  # type: ignore[method-assign]
            self.bulk = self.bulk_raw  # type: ignore[method-assign]
            self.from_values = self.from_values_raw  # type: ignore[method-assign]

    def bulk(self, text: str) -> Any:
        """The fast path of :meth:`normalize` for bulk loads: the canonical values of a typed
        row as a list with ``""`` for empty, or ``None`` when the row needs the full check
        (which then gives the same values or the error)."""
        if "\x00" in text or "| " in text or " |" in text:
            text = strip_padding(text)
        if self._check(text) is None:
            return None
        v = text[:-1].split("|")
        for i in self.req_text_idx:
            if not v[i]:
                return None
        seen = self._valid_dates
        for i in self.date_idx:
            x = v[i]
            if x:
                if len(x) > 10:  # a time part: dropped
                    x = v[i] = x[:10]
                if x not in seen:
                    try:
                        date.fromisoformat(x)
                    except ValueError:
                        return None
                    seen.add(x)
        for i in self.dt_idx:
            x = v[i]
            if x:
                if len(x) == 10:
                    x = v[i] = x + " 00:00:00"
                if x not in seen:
                    try:
                        datetime.fromisoformat(x)
                    except ValueError:
                        return None
                    if len(seen) > 200_000:
                        seen.clear()
                    seen.add(x)
        if self.dec_idx and ("|." in text or "|-" in text or ".|" in text):
            for i in self.dec_idx:
                x = v[i]
                if x and (x[0] == "." or x[0] == "-" or x[-1] == "."):
                    if x[0] == ".":
                        x = "0" + x
                    elif x[:2] == "-.":
                        x = "-0" + x[1:]
                    if x[-1] == ".":
                        x = x[:-1]
                    v[i] = x
        for i, width in self.pad:
            v[i] = v[i].zfill(width)
        return v

    def from_values(self, vals: Sequence[str | None]) -> Any:
        """Values of :meth:`normalize` / :meth:`repair` in the form of :meth:`bulk`."""
        return ["" if x is None else x for x in vals]

    def bulk_raw(self, text: str) -> str | None:
        """Untyped tables: the fields (padding stripped) joined with ``|``, or ``None``."""
        if not text.endswith("|") or text.count("|") != self.nfields:
            return None
        if self.keyed and _RAW_KEY.match(text) is None:
            return None
        if "\x00" in text:
            text = text.replace("\x00", "")
        body = text[:-1]
        if body[:1] == " " or body[-1:] == " " or "| " in body or " |" in body:
            body = "|".join([p.strip(" ") for p in body.split("|")])
        return body

    def from_values_raw(self, vals: Sequence[str | None]) -> str:
        return "|".join([x or "" for x in vals])

    def normalize(
        self, text: str
    ) -> tuple[Sequence[str | None] | None, tuple[str, str, str] | None]:
        """(values, None) or (None, (field, message, value))."""
        if "\x00" in text or "| " in text or " |" in text:
            text = strip_padding(text)
        m = self.layout.line_re.fullmatch(text)
        if m is None:
            return None, diagnose(self.layout, text)
        return self._finish(m.groups(), text)

    def repair(self, text: str) -> tuple[list[str | None], str] | None:
        """A row with too many fields: accepted only if the extra ``|`` can sit in exactly
        one way inside free-text fields (an extra empty field counts as nothing)."""
        if not self.free_idx or not text.endswith("|"):
            return None
        if "\x00" in text or "| " in text or " |" in text:
            text = strip_padding(text)
        parts = text[:-1].split("|")
        extra = len(parts) - len(self.layout.fields)
        if extra <= 0 or extra > 3:
            return None
        found: dict[tuple[str | None, ...], str] = {}
        for i in self.free_idx:
            joined = "\x1f".join(parts[i : i + extra + 1])  # stands for "|" while matching
            merged = parts[:i] + [joined] + parts[i + extra + 1 :]
            m = self.layout.line_re.fullmatch("|".join(merged) + "|")
            if m is None:
                continue
            fin, problem = self._finish(m.groups(), text)
            vals = None if fin is None else list(fin)
            if problem is not None or vals is None:
                continue
            v = vals[i]
            name = self.layout.fields[i].header
            how = told.EXTRA_PIPE_TEXT(name=name)
            if v is not None:
                v = v.replace("\x1f", "|")
                if not v.strip(" |\x00"):  # only empty fields were merged
                    v, how = None, told.EXTRA_EMPTY_DROPPED(name=name)
                vals[i] = v
            found.setdefault(tuple(vals), how)
        if len(found) != 1:
            return None
        ((vals_t, header),) = found.items()
        return list(vals_t), header

    def _finish(
        self, vals: Sequence[str | None], text: str
    ) -> tuple[Sequence[str | None] | None, tuple[str, str, str] | None]:
        """Checks and fixes after the match; ``vals`` is copied only when a fix is needed."""
        for i in self.req_text_idx:
            if vals[i] is None:
                return None, (self.layout.fields[i].header, told.REQUIRED_EMPTY, "")
        seen = self._valid_dates
        for i in self.date_idx:
            v = vals[i]
            if v is not None and v not in seen:
                try:
                    date.fromisoformat(v)
                except ValueError:
                    return None, (self.layout.fields[i].header, told.BAD_DATE, v)
                seen.add(v)
        fix = bool(self.pad) or (
            bool(self.dec_idx) and ("|." in text or "|-" in text or ".|" in text)
        )
        for i in self.dt_idx:
            v = vals[i]
            if v is not None:
                if len(v) == 10:
                    fix = True
                    v = v + " 00:00:00"
                if v not in seen:
                    try:
                        datetime.fromisoformat(v)
                    except ValueError:
                        return None, (self.layout.fields[i].header, told.BAD_DATETIME, v)
                    if len(seen) > 200_000:
                        seen.clear()
                    seen.add(v)
        if not fix:
            return vals, None
        out = list(vals)
        for i in self.dec_idx:
            v = out[i]
            if v is not None and (v[0] == "." or v[0] == "-" or v[-1] == "."):
                if v[0] == ".":
                    v = "0" + v
                elif v[:2] == "-.":
                    v = "-0" + v[1:]
                if v[-1] == ".":
                    v = v[:-1]
                out[i] = v
        for i, width in self.pad:
            v = out[i]
            if v is not None:
                out[i] = v.zfill(width)
        for i in self.dt_idx:
            v = out[i]
            if v is not None and len(v) == 10:
                out[i] = v + " 00:00:00"
        return out, None

    def normalize_raw(
        self, text: str
    ) -> tuple[Sequence[str | None] | None, tuple[str, str, str] | None]:
        """Untyped tables: the key and the number of fields are checked, text kept."""
        if not text.endswith("|") or text.count("|") != self.nfields:
            return None, diagnose(self.layout, text)
        if self.keyed and _RAW_KEY.match(text) is None:
            return None, diagnose(self.layout, text)
        if "\x00" in text:
            text = text.replace("\x00", "")
        return [p.strip(" ") or None for p in text[:-1].split("|")], None


_NORMALIZERS = {code: _TableNormalizer(layout) for code, layout in LAYOUTS.items()}


def diagnose(layout: TableLayout, text: str) -> tuple[str, str, str]:
    """Which field of a line that failed the table's pattern is wrong, and why."""
    if not text.endswith("|"):
        return ("", told.NO_TRAILING_PIPE(), text[-20:])
    parts = text[:-1].split("|")
    n = len(layout.fields)
    candidates = [parts]
    if len(parts) > n:  # maybe a stray "|" inside free text: judge the best reading
        extra = len(parts) - n
        candidates = [
            parts[:i] + ["|".join(parts[i : i + extra + 1])] + parts[i + extra + 1 :]
            for i, f in enumerate(layout.fields)
            if f.kind == "x"
        ]
    best: tuple[int, tuple[str, str, str]] | None = None
    for cand in candidates:
        if len(cand) != n:
            continue
        for i, (part, fld) in enumerate(zip(cand, layout.fields, strict=True)):
            if not fld.field_regex().fullmatch(part) or (fld.kind in "tx" and "|" in part):
                if best is None or i > best[0]:
                    best = (i, (fld.header, told.EXPECTED(what=told.KIND_HELP[fld.kind]), part))
                break
        else:
            return ("", told.ROW_MISMATCH(), text[:40])
    if best is not None and (len(parts) == n or best[0] > 0):
        return best[1]
    return ("", told.FIELD_COUNT(n=n, code=layout.code, found=len(parts)), "")


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "n": Decimal,
    "m": Decimal,
    "r": Decimal,
    "w": Decimal,
    "i": int,
    "d": date.fromisoformat,
    "dt": datetime.fromisoformat,
}


def to_record(code: str, values: Row) -> Any:
    """The typed record (models.*) of a canonical row of a typed table."""
    layout = LAYOUTS[code]
    args = []
    for fld, v in zip(layout.fields, values, strict=True):
        conv = CONVERTERS.get(fld.kind)
        args.append(v if v is None or conv is None else conv(v))
    return RECORD_TYPES[code](*args)


class DataStageZip:
    """One extraction ZIP; rows are streamed table by table, errors collected."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.errors: list[ErrorRecord] = []
        self.warnings: list[str] = []
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.repaired: dict[str, int] = {}
        self.folio: str | None = None
        self._zip: zipfile.ZipFile | None = None
        m = _ZIP_NAME.match(self.name)
        if m:
            self.folio = m.group("folio")
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            # RuntimeError: an encrypted member, or (its subclass) an unsupported compression
            self.errors.append(ErrorRecord(self.name, None, None, NOT_A_ZIP(exc=exc)))
            self._zip = None
            return
        for info in infos:
            if info.is_dir():
                continue
            mm = _MEMBER_NAME.match(info.filename)
            code = _CODE_BY_LOWER.get(mm.group("table").lower()) if mm else None
            if mm is None or code is None:
                stray = told.UNEXPECTED_MEMBER(zip=self.name, member=repr(info.filename))
                self.warnings.append(stray)
                continue
            if code in self.members:
                self.errors.append(ErrorRecord(self.name, None, None, TABLE_TWICE(code=code)))
                continue
            if self.folio is None:
                self.folio = mm.group("folio")
            elif mm.group("folio") != self.folio:
                found = told.MEMBER_FOLIO(zip=self.name, member=info.filename,
                                          folio=mm.group("folio"), expected=self.folio)  # fmt: skip
                self.warnings.append(found)
            self.members[code] = info
        if "501" not in self.members:
            self.errors.append(ErrorRecord(self.name, None, None, NO_501()))
        for code in TABLE_CODES:
            if code not in self.members and code != "501" and self._zip is not None:
                self.warnings.append(told.TABLE_ABSENT(zip=self.name, code=code))

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> DataStageZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def ok(self) -> bool:
        return not self.errors

    def source(self, code: str) -> str:
        info = self.members.get(code)
        inner = info.filename if info else f"{self.folio}_{code}.asc"
        return f"{self.name}/{inner}"

    def _error(self, code: str, line: int | None, fld: str | None, msg: str, val: str = "") -> None:
        self.errors.append(ErrorRecord(self.source(code), line, fld or None, msg, val or None))

    def rows(self, code: str) -> Iterator[tuple[int, Sequence[str | None]]]:
        """Canonical rows of one table as ``(line number, values)``; bad rows are
        recorded in :attr:`errors` and not yielded."""
        for batch in self.row_batches(code):
            yield from batch

    def row_batches(self, code: str) -> Iterator[list[tuple[int, Sequence[str | None]]]]:
        """As :meth:`rows`, a list per chunk read (less overhead per row for bulk loads)."""
        if LAYOUTS[code].typed:
            for batch in self._batches(code, numbered=True):
                yield [(n, [x or None for x in v]) for n, v in batch]
        else:
            for batch in self._batches(code, numbered=True):
                yield [(n, [x or None for x in v.split("|")]) for n, v in batch]

    def bulk_batches(
        self, code: str, numbered: bool = False, chunks: tuple[int, int | None] = (0, None)
    ) -> Iterator[list[Any]]:
        """The rows of one table in the cheapest form for a bulk load, a list per chunk read.

        Typed tables: each row a list of the canonical values with ``""`` (never a value of
        its own) for empty; untyped tables: each row one string, the values joined with
        ``|``. With ``numbered``, ``(line number, row)`` pairs. Errors as in :meth:`rows`.

        ``chunks = (first, end)`` reads only the rows that end in the chunks ``first`` to
        ``end - 1`` (``None``: to the end of the member) of :data:`CHUNK` decompressed bytes,
        with their true line numbers: two processes can read the two parts of one table
        (see :meth:`chunk_count`). Only the part with chunk 0 checks the header, only the
        part that reaches the end checks the last row."""
        return self._batches(code, numbered, chunks)

    def chunk_count(self, code: str) -> int:
        """How many chunks :meth:`bulk_batches` reads from the member of ``code``."""
        info = self.members.get(code)
        return 0 if info is None else max(1, -(-info.file_size // CHUNK))

    def _batches(
        self, code: str, numbered: bool, chunks: tuple[int, int | None] = (0, None)
    ) -> Iterator[list[Any]]:
        info = self.members.get(code)
        if info is None or self._zip is None:
            return
        layout = LAYOUTS[code]
        norm = _NORMALIZERS[code]
        start_errors = len(self.errors)
        try:
            with self._zip.open(info) as fh:
                yield from self._iter_lines(code, layout, norm, fh, start_errors, numbered, chunks)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                RuntimeError) as exc:  # RuntimeError: also an unsupported compression  # fmt: skip
            self._error(code, None, None, told.DAMAGED_MEMBER(exc=exc))

    def _iter_lines(
        self,
        code: str,
        layout: TableLayout,
        norm: _TableNormalizer,
        fh: Any,
        start_errors: int,
        numbered: bool,
        chunks: tuple[int, int | None] = (0, None),
    ) -> Iterator[list[Any]]:
        leftover = ""
        line_no = 0
        header_seen = False
        sep: str | None = None
        bulk = norm.bulk
        first_chunk, end_chunk = chunks
        index = -1
        while True:
            index += 1
            if end_chunk is not None and index >= end_chunk:
                return  # the rest is read by another part
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            if index == 0 and (wrong_encoding := encoding_problem(chunk)):
                self._error(code, 1, None, wrong_encoding)
                return
            if index < first_chunk:  # read by another part: only count its lines
                text = leftover + chunk.decode(ENCODING, "replace")
                if sep is None and "\n" in text:
                    sep = "\r\n" if "\r\n" in text else "\n"
                lines = text.split(sep) if sep else [text]
                leftover = lines.pop()
                line_no += len(lines)
                header_seen = header_seen or bool(lines)
                continue
            try:
                text = chunk.decode(ENCODING)
            except UnicodeDecodeError as exc:
                before = leftover + chunk[: exc.start].decode(ENCODING, "replace")
                bad_line = line_no + before.count("\n") + 1
                bad = chunk[exc.start]
                self._error(code, bad_line, None, told.NOT_CP1252(byte=f"{bad:#04x}"))
                return
            text = leftover + text
            if sep is None and "\n" in text:
                sep = "\r\n" if "\r\n" in text else "\n"  # real files: CRLF
            lines = text.split(sep) if sep else [text]
            leftover = lines.pop()
            if lines and not header_seen:
                header_seen = True
                line_no += 1
                self._check_header(code, layout, lines[0].rstrip("\r"))
                del lines[0]
            first = line_no + 1
            line_no += len(lines)
            batch: list[Any] = []
            if sep == "\r\n" and not numbered:
                # the common case: every row through the fast path, no line numbers kept
                batch = [bulk(line) for line in lines]
                if None not in batch:
                    yield batch
                    continue
            # some row needs a closer look (or line numbers are wanted): row by row
            batch = []
            out = batch.append
            for no, line in enumerate(lines, first):
                if sep == "\n" and line[-1:] == "\r":
                    line = line[:-1]
                v = bulk(line) if line else None
                if v is not None:
                    out((no, v) if numbered else v)
                    continue
                problem: tuple[str, str, str] | None = ("", "", "")
                if not line:
                    self._error(code, no, None, told.EMPTY_LINE())
                else:
                    vals, problem = norm.normalize(line)
                    if problem is None:
                        v = norm.from_values(vals)  # type: ignore[arg-type]
                    elif (fixed := norm.repair(line)) is not None:
                        self.repaired[code] = self.repaired.get(code, 0) + 1
                        if self.repaired[code] == 1:
                            self.warnings.append(
                                told.REPAIRED(source=self.source(code), line=no, how=fixed[1])
                            )
                        v = norm.from_values(fixed[0])
                    else:
                        self._error(code, no, problem[0], problem[1], problem[2])
                if v is not None:
                    out((no, v) if numbered else v)
                if problem is not None and len(self.errors) - start_errors >= MAX_ERRORS_PER_TABLE:
                    self._error(code, None, None, told.TOO_MANY_ERRORS())
                    return
            yield batch
        if leftover:
            line_no += 1
            if not header_seen:
                # an empty table: the header alone, without a final CRLF
                self._check_header(code, layout, leftover.rstrip("\r"))
            else:
                self._error(
                    code, line_no, None, told.UNTERMINATED(), leftover[-20:],
                )  # fmt: skip
        elif not header_seen:
            self._error(code, 1, None, told.NO_HEADER())

    def _check_header(self, code: str, layout: TableLayout, line: str) -> None:
        got = line.removeprefix("\ufeff").removesuffix("|")
        if got != layout.header:
            self._error(
                code, 1, None, told.BAD_HEADER(code=code, header=repr(layout.header)), got[:60],
            )  # fmt: skip

    def records(self, code: str) -> Iterator[Any]:
        """Typed records (typed tables) or canonical value tuples (raw tables)."""
        typed = LAYOUTS[code].typed
        for _line, vals in self.rows(code):
            yield to_record(code, tuple(vals)) if typed else tuple(vals)


def read_all(path: str | Path) -> tuple[dict[str, list[Any]], list[ErrorRecord], list[str]]:
    """Every table of a (small) extraction in memory: ``({code: records}, errors, warnings)``."""
    out: dict[str, list[Any]] = {}
    with DataStageZip(path) as dz:
        for code in TABLE_CODES:
            if code in dz.members:
                out[code] = list(dz.records(code))
        return out, dz.errors, dz.warnings
