"""Errors of the file readers: one clear, located message per unreadable file.

Every problem a reader finds in a file's *form* (it is not a table, it is damaged, it is in
an encoding that cannot be read, it lacks a column) is raised as a :class:`BatchError`
carrying :class:`ErrorRecord` values — file, line, column, message, value — so that every
entry point reports it the way it reports a row error: ``file:line: column: message``.
"""

from __future__ import annotations

from collections.abc import Sequence

from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Template

CANNOT_READ = Template("file.cannot_read", "{file}: cannot be read; nothing was written")
WRONG_LAYOUT = Template("annex.err.wrong_layout", "{file}: wrong layout; nothing was written")


class UnreadableFile(BatchError):
    """The file cannot be read as a table (wrong kind, damaged, unknown encoding, empty)."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        record = ErrorRecord(source, line, column, message, value)
        super().__init__([record], CANNOT_READ(file=source))
        self.field = "file"


class WrongLayout(BatchError):
    """The file is a readable table but its header lacks columns the import needs."""

    def __init__(self, source: str, errors: Sequence[ErrorRecord]) -> None:
        super().__init__(errors, WRONG_LAYOUT(file=source))
        self.field = "file"
