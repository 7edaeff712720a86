"""Text in, JSON out: the value formats every entry point (CLI, API, web pages) shares.

Entry points turn what a person typed into dates and months here, and turn results into
JSON-ready values here, so that no entry point depends on another (the API does not import
the CLI). ``label`` is how the input is named to the person — ``--as-of`` for a CLI option,
``DATE`` for a CLI argument, ``as_of`` for an API field; ``field`` is the machine name
errors carry (default: the label without dashes, ``-`` → ``_``, lower case).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from immex.domain.errors import InvalidFormat, InvalidInput
from immex.domain.messages import Template
from immex.domain.series import Month
from immex.domain.series import parse_month as month_of_text

NOT_A_DATE = Template("input.not_a_date", "{label}: not a date: {text} (expected YYYY-MM-DD)")
NOT_A_MONTH = Template("input.not_a_month", "{label}: not a month: {text} (expected YYYY-MM)")


def field_name(label: str) -> str:
    """``--as-of`` → ``as_of``; ``FROM_MONTH`` → ``from_month``."""
    return label.strip().lstrip("-").replace("-", "_").lower()


NOT_A_DATE = Template("input.not_a_date", "{label}: not a date: {text} (expected YYYY-MM-DD)")
NOT_A_MONTH = Template("input.not_a_month", "{label}: not a month: {text} (expected YYYY-MM)")


def parse_date(text: str | None, label: str, field: str | None = None) -> date | None:
    """An ISO date (YYYY-MM-DD); ``None`` or blank stays ``None``."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            NOT_A_DATE(label=label, text=repr(text)), field=field or field_name(label)
        ) from None


def parse_month(text: str, label: str, field: str | None = None) -> Month:
    """A month ``YYYY-MM`` as ``(year, month)`` (:func:`immex.domain.series.parse_month`)."""
    try:
        return month_of_text(text)
    except InvalidFormat:
        raise InvalidInput(
            NOT_A_MONTH(label=label, text=repr(text)), field=field or field_name(label)
        ) from None


def jsonable(obj: Any) -> Any:
    """Convert results to JSON-ready values: Decimal → str, dates → ISO, dataclasses → dict."""
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, Path):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    return obj
