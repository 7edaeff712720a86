"""The company's IMMEX time limits: the bundled limit parameters (RULES.md I-2) and the
IVA/IEPS certifications the company recorded (RULES I-6); the rules themselves are in
:mod:`immex.domain.discharge.limits`."""

from __future__ import annotations

from datetime import date

from immex.domain.company import IVA_IEPS_CERTIFICATION, Company
from immex.domain.discharge.limits import (
    PARAMETER_NAMES,
    GoodsKind,
    LimitParameters,
    LimitPolicy,
)
from immex.domain.discharge.limits import limit_months as months_for
from immex.refdata.bundled import load_parameters
from immex.store.unit import Repositories


def limit_parameters() -> LimitParameters:
    """The effective-dated limit parameters of the bundled reference data."""
    params = load_parameters()
    return LimitParameters({name: params[name] for name in PARAMETER_NAMES if name in params})


def limit_policy(repos: Repositories, company: Company) -> LimitPolicy:
    """The company's limits: the parameters and its recorded IVA/IEPS certifications."""
    certifications = repos.companies.authorizations(company.id, IVA_IEPS_CERTIFICATION)
    return LimitPolicy(limit_parameters(), tuple(certifications))


def limit_months(kind: GoodsKind | str, start: date) -> int | None:
    """IMMEX time limit in months for a kind of good whose clock starts on ``start``
    (None: while the program is in force), from the bundled parameters."""
    return months_for(kind, start, limit_parameters())
