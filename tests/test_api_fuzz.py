"""Fuzz the API from its own OpenAPI document (schemathesis): whatever it sends — signed
in as an admin, or with no credentials — the server never answers 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402

from immex.api.v1.auth import JobRunners, ServerSettings  # noqa: E402
from immex.services.accounts import tokens, users  # noqa: E402
from immex.services.workspace.companies import add_company, create_workspace  # noqa: E402
from immex.web.site import create_site  # noqa: E402

RFC = "EKU9003173C9"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    db = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'immex.db'}"
    ws = create_workspace(db, actor="installer")
    add_company(ws, RFC, "Planta A")
    users.add_user(ws, "admin@example.com", "admin", password="correct horse battery")
    token = tokens.create_token(ws, "admin@example.com").token
    ws.store.dispose()
    app = create_site(db, ServerSettings(jobs=JobRunners.HERE))
    yield app, token
    app.state.immex_server.close()


@pytest.fixture(scope="module")
def api_schema(site: tuple[Any, str]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", site[0])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: Any, site: tuple[Any, str]) -> None:
    for headers in ({"Authorization": f"Bearer {site[1]}"}, {}):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text)
