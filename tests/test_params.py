"""Effective-dated legal parameters: values, dates, citations, and errors outside them."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from immex.domain.dated import CONFIDENCE_LEVELS, DatedValue, Parameter
from immex.domain.errors import BatchError, InvalidInput, NotFound, ParameterNotInForce
from immex.refdata.bundled import load_parameter_observations, load_parameters, param
from immex.refdata.params import PARAMETERS_YAML, compile_parameters


@pytest.mark.parametrize(
    ("name", "when", "value"),
    [
        ("iva.rate", date(2025, 6, 1), Decimal("16")),
        ("dta.ad_valorem", date(2025, 6, 1), Decimal("8")),
        ("dta.immex_fixed_assets", date(2025, 6, 1), Decimal("1.76")),
        ("dta.immex_temporary_fee", date(2024, 6, 1), Decimal("425.44")),
        ("recargos.lif_monthly_rate", date(2026, 3, 1), Decimal("1.38")),
        ("recargos.late_payment_rate", date(2026, 3, 1), Decimal("2.07")),
        ("recargos.max_years", date(2026, 3, 1), Decimal("5")),
        ("immex.limit.inputs", date(2024, 1, 1), Decimal("18")),
        ("immex.limit.containers", date(2024, 1, 1), Decimal("24")),
        ("immex.limit.fixed_assets", date(2024, 1, 1), "program_validity"),
        ("immex.cancellation_days", date(2026, 1, 1), Decimal("60")),
        ("usmca.proof_period_days", date(2025, 1, 1), Decimal("60")),
        ("inpc.factor_decimals", date(2026, 1, 1), Decimal("4")),
    ],
)
def test_values(name: str, when: date, value: object) -> None:
    assert param(name, when).value == value


def test_every_value_cites_a_source_and_confidence() -> None:
    params = load_parameters()
    assert len(params) >= 13
    for p in params.values():
        assert p.description and p.unit
        for v in p.values:
            assert v.source and v.confidence in CONFIDENCE_LEVELS, p.name
            assert isinstance(v.value, (Decimal, str))


def test_dta_fixed_fee_beyond_known_amount_raises() -> None:
    """The 2025+ amounts (RMF Annex 19) are not in the data: no guessing."""
    with pytest.raises(ParameterNotInForce, match="dta.immex_temporary_fee"):
        param("dta.immex_temporary_fee", date(2025, 1, 1))
    with pytest.raises(ParameterNotInForce):
        param("dta.immex_temporary_fee", date(2023, 12, 31))
    assert param("dta.immex_temporary_fee", date(2024, 6, 1)).confidence == "M"


def test_recargos_only_for_2026() -> None:
    with pytest.raises(ParameterNotInForce, match="2025-12-31"):
        param("recargos.late_payment_rate", date(2025, 12, 31))
    with pytest.raises(ParameterNotInForce):
        param("recargos.lif_monthly_rate", date(2027, 1, 1))


def test_late_rate_is_lif_rate_plus_half_to_the_hundredth() -> None:
    """CFF 21: the LIF rate increased by 50%, taken to the hundredth."""
    when = date(2026, 7, 1)
    lif = param("recargos.lif_monthly_rate", when).value
    late = param("recargos.late_payment_rate", when).value
    assert late == (lif * Decimal("1.5")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_cancellation_period_starts_2026() -> None:
    with pytest.raises(ParameterNotInForce):
        param("immex.cancellation_days", date(2025, 12, 31))


def test_unknown_parameter() -> None:
    with pytest.raises(NotFound, match="iva.rate"):
        param("iva.tasa", date(2025, 1, 1))


def test_observations_are_separate_from_law() -> None:
    obs = load_parameter_observations()["dta.immex_temporary_fee"]
    assert [o["year"] for o in obs["values"]] == [2020, 2021, 2022, 2023, 2024]
    assert obs["values"][-1]["value"] == "425"
    assert "not a source of law" in obs["note"]


def _yaml() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(PARAMETERS_YAML.read_text(encoding="utf-8"))


def test_compile_rejects_overlap_bad_confidence_and_floats() -> None:
    raw = _yaml()
    spec = raw["parameters"]["iva.rate"]
    spec["values"].append(dict(spec["values"][0], valid_from=date(2020, 1, 1)))
    raw["parameters"]["dta.ad_valorem"]["values"][0]["confidence"] = "X"
    raw["parameters"]["dta.immex_fixed_assets"]["values"][0]["value"] = 1.76
    with pytest.raises(BatchError) as info:
        compile_parameters(raw)
    text = "\n".join(str(e) for e in info.value.errors)
    assert "overlap" in text and "confidence" in text and "quoted string" in text


def test_compile_rejects_a_late_rate_that_disagrees_with_cff21() -> None:
    raw = _yaml()
    raw["parameters"]["recargos.late_payment_rate"]["values"][0]["value"] = "2.06"
    with pytest.raises(BatchError, match="1 error") as info:
        compile_parameters(raw)
    assert "disagrees with the LIF rate 1.38 + 50 % (CFF 21) = 2.07" in str(info.value.errors[0])


@pytest.mark.parametrize(
    ("law", "phrase"),
    [
        ("ley_iva.txt", "la tasa del 16%"),
        ("ley_federal_derechos.txt", "Del 8 al millar"),
        ("ley_federal_derechos.txt", "Del 1.76 al millar"),
        ("ley_federal_derechos.txt", "$425.44"),
        ("ley_ingresos_2026.txt", "Al 1.38 por ciento mensual"),
        ("codigo_fiscal_federacion.txt", "incrementar en 50%"),
        ("codigo_fiscal_federacion.txt", "hasta por cinco años"),
        ("codigo_fiscal_federacion.txt", "hasta el diezmilésimo"),
        ("ley_aduanera.txt", "Hasta por dieciocho meses"),
        ("ley_aduanera.txt", "Hasta por dos años, tratándose de contenedores y cajas de trailers"),
        ("ley_aduanera.txt", "Por la vigencia del programa"),
        ("ley_aduanera.txt", "sesenta días naturales"),
    ],
)
def test_cited_text_is_in_the_laws(shared_data: Path, law: str, phrase: str) -> None:
    text = " ".join((shared_data / "laws" / law).read_text(encoding="utf-8").split())
    assert phrase in text


# --- Parameter / DatedValue (the domain type) -------------------------------------------------


def test_dated_value_checks_its_dates_and_confidence() -> None:
    with pytest.raises(InvalidInput, match="before it starts"):
        DatedValue(date(2025, 2, 1), date(2025, 1, 1), Decimal(1), "x")
    with pytest.raises(InvalidInput, match="confidence"):
        DatedValue(date(2025, 1, 1), None, Decimal(1), "x", confidence="X")


SAMPLE = Parameter.of(
    "sample",
    "a sample",
    "percent",
    [
        DatedValue(date(2020, 1, 1), date(2020, 12, 31), Decimal(1), "a"),
        DatedValue(date(2022, 1, 1), None, Decimal(3), "c"),
        DatedValue(date(2021, 1, 1), date(2021, 12, 31), Decimal(2), "b"),
    ],
)


@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
def test_parameter_lookup_property(when: date) -> None:
    if when < date(2020, 1, 1):
        with pytest.raises(ParameterNotInForce, match="'sample'"):
            SAMPLE.at(when)
        return
    found = SAMPLE.at(when)
    assert found.covers(when)
    assert found.value == Decimal(when.year - 2019 if when.year < 2022 else 3)


def test_not_in_force_message_names_parameter_date_and_periods() -> None:
    with pytest.raises(ParameterNotInForce) as info:
        SAMPLE.at(date(2019, 6, 1))
    msg = info.value.message
    assert "'sample'" in msg and "2019-06-01" in msg and "2020-01-01 … 2020-12-31" in msg
