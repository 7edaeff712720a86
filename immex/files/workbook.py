"""Workbooks: XLSX through openpyxl (it keeps the number format, so a cell shown as ``5%``
reads as the percentage ``5``), XLSB, ODS and XLS through python-calamine.

The first sheet is read; a workbook with more sheets says which one in a note. Every cell
becomes the text a person sees in it: dates as ``YYYY-MM-DD``, whole numbers without
``.0``. A damaged workbook — also one that breaks half way through — is one
:class:`UnreadableFile`.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from immex.domain.messages import Template
from immex.files.errors import UnreadableFile
from immex.files.sniff import KIND_NAMES, SAVE_AS, FileKind

BAD_CELL = Template(
    "file.bad_cell",
    "{value} that cannot be read ({name}: {exc}); open it in Excel and save it again, or {save_as}",
)
NO_SHEET = Template("file.no_sheet", "the workbook has no worksheet: {save_as}")
FIRST_SHEET = Template("import.file.first_sheet", "read sheet {sheet}, the first of {n}")
PROTECTED = Template(
    "file.protected",
    "the workbook is protected with a password: remove it in Excel and save the workbook "
    "again, or {save_as}",
)


Rows = Iterator[tuple[int, list[str]]]


def cell_text(value: Any, number_format: str = "") -> str:
    """A cell as the text a person sees (see the module text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()  # the imports read days; a time of day is dropped
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return "" if math.isnan(value) else str(value)
        if "%" in number_format:
            percent = Decimal(repr(value)) * 100
            return format(percent.normalize(), "f") if percent else "0"
        if isinstance(value, float):
            if value.is_integer() and abs(value) < 1e16:
                return str(int(value))
            return format(Decimal(repr(value)).normalize(), "f")
        return str(value)
    return str(value).strip()


def _damaged(source: str, kind: FileKind, exc: BaseException, line: int | None = None) -> Exception:
    return UnreadableFile(
        source,
        BAD_CELL(value=KIND_NAMES[kind], name=type(exc).__name__, exc=exc, save_as=SAVE_AS),
        line=line,
    )


# Errors the readers raise on a damaged file (openpyxl and calamine have no common root).
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    RuntimeError,  # also zipfile: encrypted member, unsupported compression
    LookupError,
)


def _xlsx(path: Path, source: str, notes: list[str]) -> Rows:
    from openpyxl import load_workbook

    fh = path.open("rb")  # a file object: openpyxl refuses names not ending in .xlsx
    try:
        wb = load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (and its own) for a damaged file
        fh.close()
        raise _damaged(source, FileKind.XLSX, exc) from None
    if not wb.worksheets:
        wb.close()
        fh.close()
        raise UnreadableFile(source, NO_SHEET(save_as=SAVE_AS))
    sheet = wb.worksheets[0]
    if len(wb.worksheets) > 1:
        notes.append(FIRST_SHEET(sheet=repr(sheet.title), n=len(wb.worksheets)))

    def gen() -> Rows:
        n = 0
        try:
            for n, row in enumerate(sheet.iter_rows(), start=1):
                cells = [cell_text(c.value, getattr(c, "number_format", "") or "") for c in row]
                if any(cells):
                    yield n, cells
        except _BROKEN as exc:
            raise _damaged(source, FileKind.XLSX, exc, n + 1) from None
        except Exception as exc:  # noqa: BLE001 - any failure of a damaged workbook
            raise _damaged(source, FileKind.XLSX, exc, n + 1) from None
        finally:
            wb.close()
            fh.close()

    return gen()


def _calamine(path: Path, source: str, kind: FileKind, notes: list[str]) -> Rows:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        if not names:
            raise UnreadableFile(source, NO_SHEET(save_as=SAVE_AS))
        sheet = wb.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except UnreadableFile:
        raise
    except PasswordError:
        raise UnreadableFile(
            source,
            PROTECTED(save_as=SAVE_AS),
        ) from None
    except (CalamineError, *_BROKEN) as exc:
        raise _damaged(source, kind, exc) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several types of its own
        raise _damaged(source, kind, exc) from None
    if len(names) > 1:
        notes.append(FIRST_SHEET(sheet=repr(names[0]), n=len(names)))

    def gen() -> Rows:
        for n, row in enumerate(rows, start=1):
            cells = [cell_text(v) for v in row]
            if any(cells):
                yield n, cells

    return gen()


READERS: dict[FileKind, Callable[[Path, str, list[str]], Rows]] = {
    FileKind.XLSX: _xlsx,
    FileKind.XLSB: lambda p, s, n: _calamine(p, s, FileKind.XLSB, n),
    FileKind.ODS: lambda p, s, n: _calamine(p, s, FileKind.ODS, n),
    FileKind.XLS: lambda p, s, n: _calamine(p, s, FileKind.XLS, n),
}


def workbook_rows(path: Path, source: str, kind: FileKind, notes: list[str]) -> Rows:
    """``(row number, cells as text)`` of the first sheet's non-empty rows."""
    return READERS[kind](path, source, notes)
