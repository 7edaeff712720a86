"""Errors of the file readers: one clear, located message per unreadable file.

Every problem a reader finds in a file's *form* (it is not a table, it is damaged, it is in
an encoding that cannot be read, it lacks a column) is raised as a :class:`BatchError`
carrying :class:`ErrorRecord` values — file, line, column, message, value — so that every
entry point reports it the way it reports a row error: ``file:line: column: message``.
"""

from __future__ import annotations

from collections.abc import Sequence

from immex.domain.errors import BatchError, ErrorRecord


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
        super().__init__([record], f"{source}: cannot be read; nothing was written")
        self.field = "file"


class WrongLayout(BatchError):
    """The file is a readable table but its header lacks columns the import needs."""

    def __init__(self, source: str, errors: Sequence[ErrorRecord]) -> None:
        super().__init__(errors, f"{source}: wrong layout; nothing was written")
        self.field = "file"
