"""One reader of tables for every importer: :func:`open_table`.

It takes a path and the importer's :class:`Layout`, and gives a :class:`TableFile`: the
header resolved to the layout's canonical column names (Spanish aliases accepted), the
rows as ``(line, cells)`` streamed, and notes saying how the file was read when it was not
a plain comma-separated UTF-8 file. Whatever the file is — random bytes, an image renamed,
a truncated workbook, an empty file — a problem of form is one :class:`UnreadableFile`
(or :class:`WrongLayout` for missing columns), never another exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from immex.domain.errors import ErrorRecord
from immex.domain.messages import Template, joined
from immex.files.delimited import DELIMITER_NAMES, Dialect, choose_delimiter, text_rows
from immex.files.encoding import Encoding, detect_file
from immex.files.errors import UnreadableFile, WrongLayout
from immex.files.headers import Header, Layout, aliases_of, resolve_header
from immex.files.sniff import KIND_NAMES, SUFFIX_KINDS, FileKind, kind_of
from immex.files.workbook import workbook_rows

NO_HEADER = Template(
    "file.no_header",
    "no header row: the file has no data; export the table with its header",
)


NO_COLUMN_NAMED = Template(
    "file.no_column_named",
    "the header names none of the columns of a {kind} file (expected {columns}; Spanish names "
    "are accepted, see docs/FILES.md)",
)
MISSING_ALSO = Template("file.missing_column_also", "missing column (also accepted: {names})")
MISSING_COLUMN = Template("file.missing_column", "missing column")
OTHER_SEPARATOR = Template(
    "file.other_separator",
    "the header holds {name} characters: is the file {name}-separated? Save it as CSV with "
    "commas, or check the header names",
)
NO_SUCH_FILE = Template("import.no_such_file", "no such file: {path}")
CANNOT_OPEN = Template("file.cannot_open", "cannot be opened: {error}")
HEADER_ON_LINE = Template(
    "file.header_on_line",
    "header found on line {line}; the lines above it were skipped",
)
READ_AS_KIND = Template(
    "import.file.read_as_kind", "{file} is {kind} though named {suffix}: read as such"
)
RENAMED = Template("file.renamed", "columns read by their Spanish or alternative names: {names}")


#: rows looked at for the header when line 1 is not it (title rows above a table)
HEADER_SEARCH = 10
HEAD_BYTES = 1 << 12

Rows = Iterator[tuple[int, list[str]]]


@dataclass
class TableFile:
    """A table being read: its header (canonical names) and its rows, streamed once."""

    source: str
    kind: FileKind
    header: list[str]
    columns: dict[str, int]
    rows: Rows
    header_line: int = 1
    encoding: Encoding | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Rows:
        return self.rows

    def index(self, column: str) -> int | None:
        return self.columns.get(column)


def _header_row(rows: Rows, layout: Layout | None, source: str) -> tuple[int, list[str], Header]:
    """The header row: line 1, or the first of the first rows naming every required
    column (an export with title rows above the table); line 1 when none does."""
    first = next(rows, None)
    if first is None:
        raise UnreadableFile(source, NO_HEADER())
    line, cells = first
    header = resolve_header(cells, layout, source, line)
    if layout is None or not header.missing(layout.required):
        return line, cells, header
    looked = 1
    for candidate in rows:
        looked += 1
        found = resolve_header(candidate[1], layout, source, candidate[0])
        if not found.missing(layout.required) and not found.errors:
            return candidate[0], candidate[1], found
        if looked >= HEADER_SEARCH:
            break
    return line, cells, header


def _missing_errors(
    source: str, line: int, cells: list[str], header: Header, layout: Layout, hint: str | None
) -> list[ErrorRecord]:
    out = list(header.errors)
    missing = header.missing(layout.required)
    if missing and not any(c in header.columns for c in layout.columns):
        shown = " | ".join(c.strip() for c in cells[:8]) + (" …" if len(cells) > 8 else "")
        out.append(
            ErrorRecord(
                source,
                line,
                None,
                joined(
                    [
                        NO_COLUMN_NAMED(kind=layout.name, columns=", ".join(layout.required)),
                        *([hint] if hint else []),
                    ]
                ),
                shown or None,
            )
        )
        return out
    for column in missing:
        also = aliases_of(layout.name, column)
        message = MISSING_ALSO(names=", ".join(also)) if also else MISSING_COLUMN()
        out.append(ErrorRecord(source, line, column, message, None))
    return out


def _separator_hint(
    cells: list[str], dialect: Dialect | None, encoding: Encoding | None
) -> str | None:
    """How the text was read, and a hint when the header holds another separator."""
    if dialect is None:
        return None
    how = "; ".join(n for n in (encoding and encoding.note, dialect.note) if n) or None
    joined = dialect.delimiter.join(cells)
    for other, name in DELIMITER_NAMES.items():
        if other != dialect.delimiter and joined.count(other) >= 2:
            return OTHER_SEPARATOR(name=name)
    return how


def open_table(
    path: Path | str, layout: Layout | None = None, *, source: str | None = None
) -> TableFile:
    """Open ``path`` as a table for ``layout`` (see the module text).

    Raises :class:`UnreadableFile` when the file cannot be read as a table and
    :class:`WrongLayout` when a required column is missing (after the aliases); errors
    found later while streaming the rows (a damaged workbook, a bad byte) are raised from
    the row iterator as :class:`UnreadableFile` too."""
    path = Path(path)
    source = source or path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except FileNotFoundError:
        raise UnreadableFile(source, NO_SUCH_FILE(path=path)) from None
    except OSError as exc:
        raise UnreadableFile(source, CANNOT_OPEN(error=exc.strerror or exc)) from None
    kind = kind_of(path, head, source)
    notes: list[str] = []
    named = SUFFIX_KINDS.get(path.suffix.lower())
    if named is not None and named is not kind:
        notes.append(READ_AS_KIND(file=source, kind=KIND_NAMES[kind], suffix=path.suffix))
    encoding: Encoding | None = None
    dialect: Dialect | None = None
    if kind is FileKind.TEXT:
        encoding, sample = detect_file(path, source)
        dialect = choose_delimiter(sample, layout)
        notes.extend(n for n in (encoding.note, dialect.note) if n)
        rows = text_rows(path, source, encoding, dialect)
    else:
        rows = workbook_rows(path, source, kind, notes)
    line, cells, header = _header_row(rows, layout, source)
    if layout is not None:
        errors = _missing_errors(
            source, line, cells, header, layout, _separator_hint(cells, dialect, encoding)
        )
        if errors:
            raise WrongLayout(source, errors)
    if line > 1:
        notes.append(HEADER_ON_LINE(line=line))
    if header.renamed:
        shown = ", ".join(f"{k!r} → {v}" for k, v in header.renamed.items())
        notes.append(RENAMED(names=shown))
    return TableFile(
        source,
        kind,
        header.names,
        header.columns,
        rows,
        line,
        encoding,
        dialect.delimiter if dialect else None,
        notes,
    )
