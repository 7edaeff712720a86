"""Duties that explain themselves: the F4 change of regime and the LA 63-A / USMCA 2.5 payment.

Every result carries ``trace``: the ordered steps (name, formula, value, legal reference)
a person can redo by hand; every figure of the result is the value of one step.

Rounding happens only at the legal steps, and only there:

* the update factor to the ten-thousandth (CFF 17-A, last paragraph) — ``truncate``
  (default) or ``round``, named in the result (done by :meth:`InpcSeries.factor`);
* the monthly surcharge rate to the hundredth (CFF 21, first paragraph);
* every amount *to pay* (IGI updated, DTA, IVA, actualización, recargos, the 63-A amount)
  to whole pesos (CFF 20, 7th paragraph — :func:`immex.domain.money.round_pesos`).

Customs value, IGI before update and the IVA base keep every decimal ("para determinar
las contribuciones se considerarán, inclusive, las fracciones del peso", CFF 20).

F4 (LA 109; RULES C-1 … C-9), policy ``entry_date`` (default) or ``change_date``::

    VA      = value_usd × FIX(policy date)                       RLA 140, CFF 20
    IGI     = VA × best_rate(policy date) / 100                  RGCE 1.6.11, LA 56 / 93
    factor  = INPC(month before change month) / INPC(month before entry month)  CFF 17-A
    IGI_upd = IGI × factor → whole pesos                         LA 109, CFF 17-A, CFF 20
    DTA     = VA × 8 / 1000 (min. fixed fee fr. III), or the fixed fee of fr. IV when an
              agreement preference is claimed for originating goods          LFD 49
    IVA     = 16 % × (VA + IGI + DTA); credited (0 to pay) if certified      LIVA 24, 27, 28-A
    late    = (due × update factor change→payment) + recargos (rate × months or fraction)
                                                                              CFF 21, LIF art. 11
    total   = IGI_upd + DTA + IVA to pay + actualización + recargos

63-A (USMCA 2.5; RULES U-1 … U-4)::

    mx_duty = value_usd × FIX(entry) × best_rate(entry) / 100    RGCE 1.6.11
    us_mxn  = us_duty_usd × FIX(export date)                     CFF 20
    owed    = max(0, mx_duty − min(mx_duty, us_mxn)) → whole pesos; due export + 60 days
    owed    = 0 for a USMCA-originating input: a USMCA party as origin *and* a stated
              certification of USMCA origin (RULES U-4); a party without it is non-originating

The batch API (:func:`compute_f4_batch`) gives the same results as calling
:func:`compute_f4` one by one (the reference), sharing the rate decisions, exchange rates and
update factors between requests.
"""

from immex.domain.duties.context import DutyContext
from immex.domain.duties.f4 import (
    add_months,
    cff21_monthly_rate,
    compute_f4,
    compute_f4_batch,
    months_or_fraction,
)
from immex.domain.duties.parameters import (
    DUTY_PARAMETERS,
    PARAM_DTA,
    PARAM_DTA_FEE,
    PARAM_IVA,
    PARAM_SURCHARGE,
    PARAM_SURCHARGE_INCREASE,
    PARAM_SURCHARGE_MAX_YEARS,
    PARAM_USMCA_DAYS,
    DutyParameters,
)
from immex.domain.duties.results import (
    POLICIES,
    DtaResult,
    F4Policy,
    F4Request,
    F4Result,
    FactorUsed,
    FxUsed,
    IvaResult,
    Surcharges,
    UsmcaRequest,
    UsmcaResult,
    as_factor_rounding,
    as_policy,
    result_figures,
)
from immex.domain.duties.trace import Trace, TraceStep
from immex.domain.duties.usmca import compute_63a

__all__ = [
    "DUTY_PARAMETERS",
    "PARAM_DTA",
    "PARAM_DTA_FEE",
    "PARAM_IVA",
    "PARAM_SURCHARGE",
    "PARAM_SURCHARGE_INCREASE",
    "PARAM_SURCHARGE_MAX_YEARS",
    "PARAM_USMCA_DAYS",
    "POLICIES",
    "DtaResult",
    "DutyContext",
    "DutyParameters",
    "F4Policy",
    "F4Request",
    "F4Result",
    "FactorUsed",
    "FxUsed",
    "IvaResult",
    "Surcharges",
    "Trace",
    "TraceStep",
    "UsmcaRequest",
    "UsmcaResult",
    "add_months",
    "as_factor_rounding",
    "as_policy",
    "cff21_monthly_rate",
    "compute_63a",
    "compute_f4",
    "compute_f4_batch",
    "months_or_fraction",
    "result_figures",
]
