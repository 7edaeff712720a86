"""The ledger page's keyset reads on SQLite and PostgreSQL: every lot once, in id order,
page after page; the search; a lot of another company is not found."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from immex.domain.ledger import TEMPORARY_KEYS
from immex.samples import demo as sample
from immex.services.ledger import importer
from immex.services.ledger.lot_browser import LotFilter, lot_page
from immex.services.workspace.companies import add_company, create_workspace
from tests.support_demo import demo_run


def test_keyset_pages_and_search(workspace_url: str) -> None:
    data = Path(demo_run().folder) / "data"
    ws = create_workspace(workspace_url, actor="t", today=date(2026, 3, 2))
    company = add_company(ws, sample.COMPANY_RFC, sample.COMPANY_NAME, sample.IMMEX_PROGRAM,
                          sample.PROSEC_SECTORS)  # fmt: skip
    other = add_company(ws, "AAA010101AA1", "Otra")
    ws = ws.with_company(company)
    for kind in ("materials", "products", "bom", "pedimentos"):
        importer.import_file(ws, kind, data / f"{kind}.csv")
    with ws.read() as repos:
        ids = [r.id for r in repos.lot_browser.page(company.id, TEMPORARY_KEYS, after=0,
                                                     limit=100_000)]  # fmt: skip
        assert repos.lot_browser.lot(other.id, TEMPORARY_KEYS, ids[0]) is None
        assert repos.lot_browser.lot(company.id, TEMPORARY_KEYS, ids[0]) is not None
        cons = repos.lot_browser.page(company.id, TEMPORARY_KEYS, after=0, limit=1000,
                                      search="con")  # fmt: skip
    assert ids == sorted(ids) and len(ids) > 100
    assert cons and all(r.part_number.startswith("CON") for r in cons)
    seen: list[int] = []
    after = 0
    while True:
        page = lot_page(ws, date(2026, 3, 2), status=LotFilter.ALL, after=after, limit=37)
        seen += [r.lot_id for r in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == ids
    ws.store.dispose()
