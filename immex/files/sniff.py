"""What kind of file this is, from its first bytes — never from its name alone.

A workbook renamed ``.csv`` is still read as a workbook; a PNG renamed ``.xlsx`` is named
for what it is. :func:`sniff` looks at the content; :func:`kind_of` adds the ZIP look-up
that tells an XLSX from an ODS, an XLSB or a ZIP of other files.
"""

from __future__ import annotations

import enum
import zipfile
from pathlib import Path

from immex.domain.messages import Msg, Template
from immex.files.errors import UnreadableFile

BAD_ZIP = Template(
    "file.bad_zip",
    "damaged or truncated ZIP container ({exc}): the workbook cannot be opened; download or "
    "export it again, or {save_as}",
)
NOT_A_TABLE_ZIP = Template(
    "file.not_a_table_zip",
    "this is {what}, not a table: export the data as CSV or XLSX (a SAT Data Stage ZIP is "
    "imported with `immex sat import`)",
)
NOT_A_TABLE = Template("file.not_a_table", "this is {found}, not a table: {save_as}")
PROTECTED_ZIP = Template(
    "file.protected_zip",
    "the workbook is protected with a password: open it in Excel, remove the password (File › "
    "Info › Protect workbook) and save it again, or {save_as}",
)
IS_DOCX = Template("import.file.is_docx", "a Word document (DOCX)")
IS_PPTX = Template("import.file.is_pptx", "a PowerPoint presentation (PPTX)")
IS_OTHER_ODF = Template(
    "import.file.is_other_odf", "an OpenDocument file of another kind ({mimetype})"
)
IS_ZIP = Template(
    "import.file.is_zip",
    "a ZIP archive of {n} file ({names})",
    "a ZIP archive of {n} files ({names})",
)
IS_EMPTY_ZIP = Template("import.file.is_empty_zip", "an empty ZIP archive")


class FileKind(enum.StrEnum):
    TEXT = "text"  # CSV / TSV / text with a delimiter
    XLSX = "xlsx"  # Office Open XML workbook (also .xlsm)
    XLSB = "xlsb"  # Excel binary workbook
    ODS = "ods"  # OpenDocument spreadsheet
    XLS = "xls"  # Excel 97-2003 (BIFF in an OLE2 container)


#: how each kind is named to a person
KIND_NAMES = {
    FileKind.TEXT: Template("import.file.kind_text", "a text table (CSV)")(),
    FileKind.XLSX: Template("import.file.kind_xlsx", "an Excel workbook (XLSX)")(),
    FileKind.XLSB: Template("import.file.kind_xlsb", "an Excel binary workbook (XLSB)")(),
    FileKind.ODS: Template("import.file.kind_ods", "an OpenDocument spreadsheet (ODS)")(),
    FileKind.XLS: Template("import.file.kind_xls", "an Excel 97-2003 workbook (XLS)")(),
}

#: file name endings and the kind a person means by them
SUFFIX_KINDS = {
    ".csv": FileKind.TEXT,
    ".txt": FileKind.TEXT,
    ".tsv": FileKind.TEXT,
    ".tab": FileKind.TEXT,
    ".xlsx": FileKind.XLSX,
    ".xlsm": FileKind.XLSX,
    ".xlsb": FileKind.XLSB,
    ".ods": FileKind.ODS,
    ".xls": FileKind.XLS,
}

SAVE_AS = Template("file.save_as", "save it again as CSV (UTF-8) or as an Excel workbook (.xlsx)")()

_PNG = Template("import.file.is_png", "a PNG image")()
_JPEG = Template("import.file.is_jpeg", "a JPEG image")()
_GIF = Template("import.file.is_gif", "a GIF image")()
_TIFF = Template("import.file.is_tiff", "a TIFF image")()
_PDF = Template("import.file.is_pdf", "a PDF document")()
_GZIP = Template("import.file.is_gzip", "a gzip archive")()
_BZIP2 = Template("import.file.is_bzip2", "a bzip2 archive")()
_XZ = Template("import.file.is_xz", "an xz archive")()
_SEVEN_ZIP = Template("import.file.is_7zip", "a 7-Zip archive")()
_RAR = Template("import.file.is_rar", "a RAR archive")()
_ELF = Template("import.file.is_elf", "a program (ELF executable)")()
_SQLITE = Template("import.file.is_sqlite", "an SQLite database")()
_RTF = Template("import.file.is_rtf", "an RTF document")()
#: files that are certainly not tables: their signature and what they are
_NOT_TABLES: tuple[tuple[bytes, Msg], ...] = (
    (b"\x89PNG\r\n\x1a\n", _PNG),
    (b"\xff\xd8\xff", _JPEG),
    (b"GIF87a", _GIF),
    (b"GIF89a", _GIF),
    (b"II*\x00", _TIFF),
    (b"MM\x00*", _TIFF),
    (b"%PDF-", _PDF),
    (b"\x1f\x8b", _GZIP),
    (b"BZh", _BZIP2),
    (b"\xfd7zXZ\x00", _XZ),
    (b"7z\xbc\xaf\x27\x1c", _SEVEN_ZIP),
    (b"Rar!\x1a\x07", _RAR),
    (b"\x7fELF", _ELF),
    (b"SQLite format 3\x00", _SQLITE),
    (b"{\\rtf", _RTF),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def sniff(head: bytes) -> FileKind | str | None:
    """The kind the first bytes show: a :class:`FileKind`, the description of a file that is
    not a table (``"a PNG image"``), or ``None`` for text (or nothing recognisable)."""
    for magic, what in _NOT_TABLES:
        if head.startswith(magic):
            return what
    if head.startswith(_OLE2):
        return FileKind.XLS
    if head.startswith(_ZIP):
        return FileKind.XLSX  # refined by kind_of (XLSX, XLSB, ODS or another ZIP)
    return None


def _zip_kind(path: Path, source: str) -> FileKind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        RuntimeError,  # also zipfile: encrypted member, unsupported compression
    ) as exc:
        raise UnreadableFile(
            source,
            BAD_ZIP(exc=exc, save_as=SAVE_AS),
        ) from None
    lowered = {n.lower() for n in names}
    if "xl/workbook.xml" in lowered:
        return FileKind.XLSX
    if "xl/workbook.bin" in lowered:
        return FileKind.XLSB
    if mimetype.startswith(_ODS_MIME):
        return FileKind.ODS
    if "word/document.xml" in lowered:
        what = IS_DOCX()
    elif "ppt/presentation.xml" in lowered:
        what = IS_PPTX()
    elif mimetype.startswith(b"application/vnd.oasis.opendocument"):
        what = IS_OTHER_ODF(mimetype=mimetype.decode("ascii", "replace"))
    elif names:
        shown = ", ".join(sorted(names)[:3]) + (" …" if len(names) > 3 else "")
        what = IS_ZIP(n=len(names), names=shown)
    else:
        what = IS_EMPTY_ZIP()
    raise UnreadableFile(
        source,
        NOT_A_TABLE_ZIP(what=what),
    )


def kind_of(path: Path, head: bytes, source: str) -> FileKind:
    """The kind of table in ``path`` (first bytes ``head``), or :class:`UnreadableFile`."""
    found = sniff(head)
    if isinstance(found, str) and not isinstance(found, FileKind):
        raise UnreadableFile(source, NOT_A_TABLE(found=found, save_as=SAVE_AS))
    if found is FileKind.XLSX:
        return _zip_kind(path, source)
    if found is FileKind.XLS and _ENCRYPTED in path.read_bytes()[: 1 << 22]:
        raise UnreadableFile(
            source,
            PROTECTED_ZIP(save_as=SAVE_AS),
        )
    return FileKind.TEXT if found is None else found
