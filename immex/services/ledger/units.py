"""The unit (UMC) shown next to a quantity, for the entry points (CLI, web) that do not read
the bundled catalog themselves: the LIGIE abbreviation of a part's unit (``06`` → ``PZA``,
``01`` → ``KG``) and the header of its column (:mod:`immex.refdata.bundled`)."""

from __future__ import annotations

from immex.refdata.bundled import UMC_HEADER, unit_symbol

__all__ = ["UMC_HEADER", "unit_symbol"]
