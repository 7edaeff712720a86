"""The encoding of a Data Stage table: SAT writes Windows-1252; a table that is evidently in
another encoding (a BOM, UTF-16, UTF-8 accents — saved again by an editor) is named for what
it is instead of being read as mojibake."""

from __future__ import annotations

from immex.datastage.messages import WRONG_ENCODING
from immex.domain.messages import Msg
from immex.files import evident_encoding


def encoding_problem(head: bytes) -> Msg | None:
    """The message for a table whose first bytes are not Windows-1252 text, else ``None``."""
    found = evident_encoding(head)
    if found is None:
        return None
    return WRONG_ENCODING(label=found.label)
