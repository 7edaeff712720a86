"""Reading the files people bring: any encoding, any separator, workbooks, one clear error.

The *files* layer (an adapter): it may import :mod:`immex.domain` and itself only. Every
importer (ledger, rates, series, parameters) opens its file with :func:`open_table`; the
SAT readers decode text with :func:`decode_bytes`. See ``docs/FILES.md``.
"""

from immex.files.encoding import Encoding, decode_bytes, evident_encoding
from immex.files.errors import UnreadableFile, WrongLayout
from immex.files.headers import ALIASES, LAYOUTS, Layout, header_key, normalize_header
from immex.files.sniff import FileKind
from immex.files.table import TableFile, open_table

__all__ = [
    "ALIASES",
    "Encoding",
    "FileKind",
    "LAYOUTS",
    "Layout",
    "TableFile",
    "UnreadableFile",
    "WrongLayout",
    "decode_bytes",
    "evident_encoding",
    "header_key",
    "normalize_header",
    "open_table",
]
