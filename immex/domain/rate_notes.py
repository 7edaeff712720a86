"""What the best-rate decision says about the general rate and the programs it weighs:
the warnings and the reasons of a rejected option, and the sources of the general rate
(messages of the catalog, shown in the reader's language)."""

from __future__ import annotations

from collections.abc import Sequence

from immex.domain.messages import Msg, Template

#: the source of a general rate taken from a LIGIE amendment the user loaded
AMENDED_SOURCE = Template("tariff.amended_rate", "LIGIE amendment loaded by the user: {source}")
#: the source of a general rate of the bundled LIGIE text without a dated period
BUNDLED_SOURCE = Template("rates.bundled_source", "LIGIE (bundled text)")
OVERRIDDEN_NOTE = Template(
    "rates.overridden_note", "bundled LIGIE note (overridden by the loaded amendment): {note}"
)
OVERRIDES_BUNDLED = Template(
    "rates.overrides_bundled",
    "{fraccion}: the loaded LIGIE amendment ({source}, {period}) overrides the bundled rate {rate}",
)
PROHIBITED_REASON = Template(
    "reason.prohibited", "the LIGIE says Prohibida: the import is prohibited"
)
PROHIBITED = Template("rates.prohibited", "{fraccion}: import prohibited by the LIGIE ({rate})")
NOT_AD_VALOREM_REASON = Template(
    "reason.not_ad_valorem_reported",
    "not ad valorem ({rate}): reported, not converted into a percentage",
)
GENERAL_NOT_PERCENT = Template(
    "rates.general_not_percent",
    "{fraccion}: the general rate is {rate} (specific or mixed), not a percentage; a person "
    "must compute it",
)
RATE_NOT_AD_VALOREM = Template("reason.rate_not_ad_valorem", "rate {rate} is not ad valorem")
RATE_OF_NOT_AD_VALOREM = Template(
    "reason.rate_of_not_ad_valorem", "rate {rate} of {fraccion} is not ad valorem"
)
ACOTACION_REVIEW = Template(
    "rates.acotacion_review",
    "PROSEC sector {sector} row for {fraccion} carries an acotación ({acotacion}): a person "
    "must check that the goods fall within it",
)
NO_SCHEDULE = Template(
    "rate.no_schedule", "no {agreement} schedule loaded: the preference was not assessed"
)
CHOSEN_AMONG_PERCENT = Template(
    "rates.chosen_among_percent",
    "the general rate {rate} is not a percentage: {program} ({percent}%) was chosen among the "
    "percentages; a person must check that it is lower than the specific/mixed duty",
)
NO_AD_VALOREM = Template(
    "rates.no_ad_valorem",
    "no ad-valorem rate can be applied to {fraccion} on the date: a person must determine the duty",
)
REGLA8_REVIEW = Template(
    "rates.regla8_review",
    "Regla 8ª: the authorisation must cover this input (the user's statement; not verified)",
)()
REGLA8_SOURCE = Template("rates.regla8_source", "{source}, {fraccion} ({rule}{authorisation})")
REGLA8_AUTHORISATION = Template("rates.regla8_authorisation", "; authorisation {reference}")
FTA_SOURCE = Template("rates.fta_source", "{source}; row for {scope}{exceptions} ({rule})")
FTA_EXCEPT = Template("rates.fta_except", " except {items}")


def fta_source(source: str, scope: str, exceptions: Sequence[str], rule: str) -> Msg:
    """The source of an agreement's rate: its row, the scope it covers and its exceptions."""
    but = FTA_EXCEPT(items=", ".join(exceptions)) if exceptions else ""
    return FTA_SOURCE(source=source, scope=scope, exceptions=but, rule=rule)
