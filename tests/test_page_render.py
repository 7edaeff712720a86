"""Page filters show figures as the CLI does: a rate is a percentage (the F4 plan's 35 is
35 %, never 3500 %)."""

from __future__ import annotations

from decimal import Decimal

from immex.web.company_pages import page_render


def test_rate_filter_shows_percentages() -> None:
    rate = page_render.TEMPLATES.env.filters["rate"]
    assert rate(Decimal("35")) == "35 %"
    assert rate(Decimal("2.5")) == "2.50 %"
    assert rate(Decimal("0")) == "0 %"
    assert rate(None) == "—"
