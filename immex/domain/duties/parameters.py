"""The effective-dated parameters a duty reads, by their names in the curated records
(``immex/refdata/sources/parameters.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from immex.domain.dated import Parameter
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template

PARAMETERS_MISSING = Template(
    "duty.parameters_missing",
    "reference parameters missing: {items}; rebuild with `immex refdata build`",
)


PARAM_IVA = "iva.rate"
PARAM_DTA = "dta.ad_valorem"
PARAM_DTA_FEE = "dta.immex_temporary_fee"
PARAM_SURCHARGE = "recargos.lif_monthly_rate"
PARAM_SURCHARGE_INCREASE = "recargos.cff21_increase"
PARAM_SURCHARGE_MAX_YEARS = "recargos.max_years"
PARAM_USMCA_DAYS = "usmca.proof_period_days"
#: every parameter the duty engine reads (and so the ones a workspace may load values for)
DUTY_PARAMETERS = (
    PARAM_IVA,
    PARAM_DTA,
    PARAM_DTA_FEE,
    PARAM_SURCHARGE,
    PARAM_SURCHARGE_INCREASE,
    PARAM_SURCHARGE_MAX_YEARS,
    PARAM_USMCA_DAYS,
)


@dataclass(frozen=True, slots=True)
class DutyParameters:
    """The effective-dated figures the duties need (loaded from ``immex.refdata``)."""

    iva_rate: Parameter[Decimal]  # percent, 16
    dta_rate: Parameter[Decimal]  # per thousand, 8 (LFD 49-I)
    surcharge_rate: Parameter[Decimal]  # Ley de Ingresos monthly rate, percent (1.38 in 2026)
    surcharge_increase: Parameter[Decimal]  # CFF 21: percent added to the LIF rate (50)
    surcharge_max_years: Parameter[Decimal]  # CFF 21: recargos accrue for at most (5) years
    usmca_days: Parameter[Decimal]  # 60 days to prove the US/CA duty
    dta_fixed_fee: Parameter[Decimal] | None = None  # LFD 49-III/IV pesos per pedimento

    @classmethod
    def of(cls, params: Mapping[str, Parameter[Any]]) -> DutyParameters:
        """The duty parameters from the curated records by name (``DUTY_PARAMETERS``)."""
        # the DTA fixed fee may be absent: the duty says when it could not apply it
        missing = [n for n in DUTY_PARAMETERS if n != PARAM_DTA_FEE and n not in params]
        if missing:
            raise InvalidInput(PARAMETERS_MISSING(items=", ".join(missing)))
        return cls(
            iva_rate=params[PARAM_IVA],
            dta_rate=params[PARAM_DTA],
            surcharge_rate=params[PARAM_SURCHARGE],
            surcharge_increase=params[PARAM_SURCHARGE_INCREASE],
            surcharge_max_years=params[PARAM_SURCHARGE_MAX_YEARS],
            usmca_days=params[PARAM_USMCA_DAYS],
            dta_fixed_fee=params.get(PARAM_DTA_FEE),
        )
