"""The HTML report in headless Chromium: it renders, the charts are there, no console errors.

Marked ``browser``. Without Chromium the tests skip — except under CI
(``IMMEX_REQUIRE_BROWSER=1``), where a missing Chromium is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from immex.reports import render
from immex.reports.browser import dump_dom, find_chromium
from tests.support_demo import small_report

pytestmark = pytest.mark.browser

CHARTS = {"savings_by_sector", "expiry_radar", "balance_by_fraction"}


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("IMMEX_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "Chromium is required (IMMEX_REQUIRE_BROWSER=1) but /usr/bin/chromium is missing"
            )
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    return binary


def test_the_checker_sees_console_errors(tmp_path: Path, chromium: str) -> None:
    """Negative control: a page that throws is reported (so a clean report means something)."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<html><body><p>x</p><script>console.log('hello'); nope();</script></body></html>"
    )
    check = dump_dom(page, chromium)
    assert any("nope" in m for m in check.console_errors)
    assert check.console


def test_small_report_renders(tmp_path: Path, chromium: str) -> None:
    path = render(small_report("en"), "html", tmp_path)
    check = dump_dom(path, chromium)
    assert check.returncode == 0
    assert "<svg" in check.dom
    assert set(check.svg_charts()) == CHARTS
    assert check.console == []


def test_demo_report_renders_with_charts_and_no_console_errors(chromium: str) -> None:
    from tests.support_demo import demo_run

    summary = demo_run()
    html = Path(summary.reports["html"])
    check = dump_dom(html, chromium)
    assert check.returncode == 0, check.stderr[-2000:]
    dom = check.dom
    assert "</html>" in dom and len(dom) > 10_000
    assert set(check.svg_charts()) >= CHARTS
    assert check.console == [], check.console
    # the frame: data version, computation date, illustrative notice on every section
    assert summary.data_version in dom
    sections = dom.count("<section")
    assert sections >= 9
    assert dom.count('class="illustrative"') >= sections
    # every table of figures rendered
    for key in ("entries", "exits", "balances", "materials_used", "discharge", "f4", "usmca"):
        assert f'data-table="{key}"' in dom, key
