"""Messages by key: what the core says to a person, translated at the edge.

The core never builds a sentence for a reader in one language: it names a message of the
catalog (``Template``: a stable key and its English text with named fields) and fills in the
fields. The result, a :class:`Msg`, *is* its English text (a ``str``: JSON, logs and tests
read it as before) and keeps its key and fields, so a report, a page or the CLI shows it in
the reader's language from the catalog (``immex/reports/locale/*.po``). A field that is
itself a ``Msg`` is translated too; legal terms (IGI, DTA, pedimento, LA 109 …) stay Spanish
in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: every template the core declares, by key (a test checks the catalog has them all)
TEMPLATES: dict[str, str] = {}


class Msg(str):
    """A message in English that remembers its catalog key and fields."""

    key: str
    english: str
    params: Mapping[str, Any]

    def __new__(cls, key: str, english: str, params: Mapping[str, Any]) -> Msg:
        obj = super().__new__(cls, english.format(**params))
        obj.key = key
        obj.english = english
        obj.params = dict(params)
        return obj

    def __reduce__(self) -> Any:  # pickling (parallel runs) keeps the key and fields
        return (Msg, (self.key, self.english, self.params))


class Template:
    """A message of the catalog: ``Template("f4.change_date", "change date {day} …")``."""

    __slots__ = ("english", "key")

    def __init__(self, key: str, english: str) -> None:
        if TEMPLATES.get(key, english) != english:
            raise ValueError(f"message key {key!r} declared twice with different texts")
        TEMPLATES[key] = english
        self.key = key
        self.english = english

    def __call__(self, **params: Any) -> Msg:
        return Msg(self.key, self.english, params)


#: the key of a list of messages shown one after the other (``joined``)
JOIN = "__join__"


def joined(parts: list[Any] | tuple[Any, ...], sep: str = "; ") -> Msg:
    """Messages shown one after the other, each translated (a list, not a sentence)."""
    fields: dict[str, Any] = {f"p{i}": part for i, part in enumerate(parts)}
    english = sep.join("{" + f"p{i}" + "}" for i in range(len(parts)))
    return Msg(JOIN, english, {**fields, "sep": sep}) if parts else Msg(JOIN, "", {"sep": sep})
