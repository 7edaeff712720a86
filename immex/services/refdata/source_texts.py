"""The legal sources of the bundled parameters, and the FIX and INPC rules, as messages of
the catalog (keys ``refdata.source.…``): a reader sees them in their language.

The bundled data keeps its own words (``parameters.json`` is compiled from
``sources/parameters.yaml`` and a rebuild test compares it byte for byte); the texts are
translated when shown — in ``refdata status``, on ``/refdata`` and in every trace that cites
them — by the parameter's name and the date its value takes effect, never by matching the
sentence. The English of each message is the data's own wording, declared from the data: a
test fails when the data changes and the catalog did not follow. A value a user loaded from
a file keeps its own text (it has no message).
"""

from __future__ import annotations

from immex.domain.messages import Msg, Template
from immex.refdata.build import AS_OF_LABELS
from immex.refdata.bundled import (
    as_of_key,
    load_manifest,
    load_parameters,
    source_as_of,
    source_key,
)

FX_RULE = Template(
    "refdata.source.fx_rule",
    "CFF art. 20 (3rd paragraph) and LA art. 56: the FIX the Banco de México publishes in the "
    "DOF the day before; when it publishes none that day, the last one published before. A FIX "
    "determined on a banking day is published in the DOF on the next banking day.",
)
INPC_RULE = Template(
    "refdata.source.inpc_rule",
    "CFF art. 17-A: factor = INPC of the month before the latest month of the period / INPC of "
    "the month before the earliest month; no fractions of a month; if the latest index is not yet "
    "published, the last published one; a factor below 1 is 1; computed to the ten-thousandth.",
)
FX_WEEKEND = Template(
    "refdata.source.fx_weekend",
    "{day} is a {weekday}: customs rarely operate; the rule still gives the last FIX published "
    "before it",
)
WEEKDAYS = {
    5: Template("refdata.source.saturday", "Saturday"),
    6: Template("refdata.source.sunday", "Sunday"),
}
FX_SERIES_ENDS = Template(
    "refdata.source.fx_series_ends",
    "the FIX series ends on {last}; the answer relies on its last points",
)
INPC_FLOORED = Template(
    "refdata.source.inpc_floored",
    "the quotient {raw} is below 1: the factor is 1 (CFF 17-A)",
)
BUILDER_NOT_RUN = Template("refdata.source.builder_not_run", "builder not run: {builder}")


def _declare() -> dict[str, Template]:
    """One message per bundled value's source (``refdata.source.<name>.<valid_from>``): the
    keys :func:`immex.refdata.bundled.source_message` gives the values it loads."""
    out = {}
    for name, parameter in load_parameters().items():
        for value in parameter.values:
            key = source_key(name, value.valid_from.isoformat())
            if isinstance(value.source, Msg) and value.source.key == key:
                out[key] = Template(key, value.source.english)
    return out


PARAMETER_SOURCES = _declare()


def _declare_as_of() -> dict[str, Template]:
    """The as-of texts of the sources the manifest's summary line names
    (``refdata.source.as_of.<path>``), when they are words rather than dates."""
    paths = {path for _label, path in AS_OF_LABELS}
    out = {}
    for source in load_manifest().get("sources", []):
        text = source_as_of(source["path"], str(source["as_of"]))
        if source["path"] in paths and isinstance(text, Msg):
            out[text.key] = Template(as_of_key(source["path"]), text.english)
    return out


SOURCE_AS_OF = _declare_as_of()
