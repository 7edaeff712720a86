"""Messages by key: what the core says to a person, translated at the edge.

The core never builds a sentence for a reader in one language: it names a message of the
catalog (``Template``: a stable key and its English text with named fields) and fills in the
fields. The result, a :class:`Msg`, *is* its English text (a ``str``: JSON, logs and tests
read it as before) and keeps its key and fields, so a report, a page or the CLI shows it in
the reader's language from the catalog (``immex/reports/locale/*.po``). A field that is
itself a ``Msg`` is translated too; legal terms (IGI, DTA, pedimento, LA 109 …) stay Spanish
in every language.

A message about a count (``{n} row`` / ``{n} rows``) is a plural template: its English
singular and plural and the field that holds the count; the catalog holds as many forms
per language as that language's ``Plural-Forms`` header says (gettext's plural machinery),
and the reader's language chooses the form from the count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: every template the core declares, by key (a test checks the catalog has them all)
TEMPLATES: dict[str, str] = {}
#: the plural ones among them: key → (English singular, English plural, the count's field)
PLURALS: dict[str, tuple[str, str, str]] = {}


class Msg(str):
    """A message in English that remembers its catalog key and fields."""

    key: str
    english: str
    params: Mapping[str, Any]
    #: the field holding the count of a plural message (``None``: not a plural)
    counted: str | None

    def __new__(
        cls, key: str, english: str, params: Mapping[str, Any], counted: str | None = None
    ) -> Msg:
        obj = super().__new__(cls, english.format(**params))
        obj.key = key
        obj.english = english
        obj.params = dict(params)
        obj.counted = counted
        return obj

    def __reduce__(self) -> Any:  # pickling (parallel runs) keeps the key and fields
        return (Msg, (self.key, self.english, self.params, self.counted))


class Template:
    """A message of the catalog: ``Template("f4.change_date", "change date {day} …")``; with
    ``plural``, a message about a count: ``Template("import.rows", "{n} row", "{n} rows")``
    (the count in field ``count``, ``n`` unless told; a field the texts need not show:
    ``Template("annex.import.lines", "line {lines}", "lines {lines}")(lines="3, 4", n=2)``)."""

    __slots__ = ("count", "english", "key", "plural")

    def __init__(self, key: str, english: str, plural: str | None = None, count: str = "n") -> None:
        forms = None if plural is None else (english, plural, count)
        if TEMPLATES.get(key, english) != english or (
            key in TEMPLATES and PLURALS.get(key) != forms
        ):
            raise ValueError(f"message key {key!r} declared twice with different texts")
        TEMPLATES[key] = english
        if forms is not None:
            PLURALS[key] = forms
        self.key = key
        self.english = english
        self.plural = plural
        self.count = count

    def __call__(self, **params: Any) -> Msg:
        if self.plural is None:
            return Msg(self.key, self.english, params)
        one = english_form(params[self.count]) == 0
        return Msg(self.key, self.english if one else self.plural, params, self.count)


def count_of(value: Any) -> int:
    """The whole number a plural form is chosen by (gettext's ``n``): a count given as a
    number or its text (``"1,250"``); a fraction counts by its whole part."""
    if isinstance(value, int):
        return abs(value)
    try:
        return abs(int(float(str(value).replace(",", "").replace("\u202f", "").strip())))
    except ValueError:
        return 0


def english_form(value: Any) -> int:
    """English's plural rule (``Plural-Forms: nplurals=2; plural=(n != 1)``): 0 for one."""
    return 0 if count_of(value) == 1 else 1


#: the key of a list of messages shown one after the other (``joined``)
JOIN = "__join__"


def joined(parts: list[Any] | tuple[Any, ...], sep: str = "; ") -> Msg:
    """Messages shown one after the other, each translated (a list, not a sentence)."""
    fields: dict[str, Any] = {f"p{i}": part for i, part in enumerate(parts)}
    english = sep.join("{" + f"p{i}" + "}" for i in range(len(parts)))
    return Msg(JOIN, english, {**fields, "sep": sep}) if parts else Msg(JOIN, "", {"sep": sep})


#: the mark of a field that is itself a message in a stored record (:func:`msg_record`)
_MSG_FIELD = "__msg__"


def msg_record(msg: Msg) -> dict[str, Any]:
    """A message as JSON values, to store beside its English text: its key, English text,
    fields (a field that is a message as its own record; numbers, dates and the like as
    their text, as the English text showed them) and the field holding its count; rebuilt
    by :func:`msg_of_record`."""

    def field(value: Any) -> Any:
        if isinstance(value, Msg):
            return {_MSG_FIELD: msg_record(value)}
        if value is None or isinstance(value, bool | int | float):
            return value
        return str(value)

    return {
        "key": msg.key, "english": msg.english,
        "params": {k: field(v) for k, v in msg.params.items()},
        "counted": getattr(msg, "counted", None),
    }  # fmt: skip


def msg_of_record(record: Any) -> Msg | None:
    """The message a :func:`msg_record` stored (``None`` for nothing, or for a record that
    does not read as one: the stored English text is then what a reader sees)."""
    if not isinstance(record, Mapping):
        return None
    try:
        key, english, params = record["key"], record["english"], record.get("params") or {}
        if not isinstance(key, str) or not isinstance(english, str):
            return None
        fields: dict[str, Any] = {}
        for name, value in params.items():
            if isinstance(value, Mapping) and set(value) == {_MSG_FIELD}:
                value = msg_of_record(value[_MSG_FIELD])
                if value is None:  # a field's message that does not read: nor does this one
                    return None
            fields[name] = value
        return Msg(key, english, fields, record.get("counted"))
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return None
