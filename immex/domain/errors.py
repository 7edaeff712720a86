"""One error hierarchy for the whole project.

Single calls raise a subclass of :class:`ImmexError` whose message says what is wrong,
where, and how to fix it. Batch checks (imports, discharge runs) collect
:class:`ErrorRecord` values and raise :class:`BatchError` with all of them at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from immex.domain.messages import Template

BATCH_ERRORS = Template("batch.errors", "{n} errors found; nothing was written")
BATCH_ONE_ERROR = Template("batch.one_error", "1 error found; nothing was written")


class ImmexError(Exception):
    """Root of every error immex raises on purpose."""

    #: input field the error is about (the API names it in its JSON answer)
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class InvalidInput(ImmexError):
    """A value given by the user has the wrong form or is out of range."""


class InvalidFormat(InvalidInput):
    """A code (fracción, pedimento, RFC, date…) does not have the expected shape."""


class NotFound(ImmexError):
    """The thing asked for does not exist (unknown fracción, company, run…)."""


class DataCoverageError(ImmexError):
    """The reference data does not cover the date or item asked for."""


class ParameterNotInForce(DataCoverageError):
    """An effective-dated parameter has no value at the date asked for."""


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One problem found by a batch check, located precisely."""

    source: str
    line: int | None
    field: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        col = f" {self.field}:" if self.field else ""
        val = f" (got {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}:{col} {self.message}{val}"


class BatchError(ImmexError):
    """A batch (import, discharge run) had errors; nothing was written."""

    def __init__(self, errors: Sequence[ErrorRecord], summary: str | None = None) -> None:
        self.errors = list(errors)
        n = len(self.errors)
        super().__init__(summary or (BATCH_ONE_ERROR() if n == 1 else BATCH_ERRORS(n=n)))
