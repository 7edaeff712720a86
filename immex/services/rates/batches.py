"""What every ``immex rates load …`` shares: the result, the "already loaded" check, the
load batch (file, SHA-256, who, when) with its audit entry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from immex.domain.errors import NotFound
from immex.domain.messages import Template
from immex.services.workspace.context import UnitOfWork, Workspace
from immex.store.database import StoreError
from immex.store.unit import Repositories

NO_SUCH_FILE = Template("rates.no_such_file", "{path}: no such file")
NO_RATE_TABLES = Template(
    "rates.no_rate_tables",
    "the workspace {display_url} has no rate tables yet; run `immex init` (it upgrades the "
    "workspace) and try again",
)


@dataclass(frozen=True, slots=True)
class LoadResult:
    kind: str
    file: str
    sha256: str
    batch_id: int | None
    rows_read: int
    rows_inserted: int
    rows_already_present: int
    already_loaded: bool
    message: str
    warnings: tuple[str, ...] = ()
    #: a dry run: every check done, what would be written counted, nothing kept
    dry_run: bool = False


def loaded_verb(dry_run: bool) -> str:
    """How a load's message says what it did: ``loaded``, or for a dry run what it would."""
    return "would be loaded (dry run: nothing written)" if dry_run else "loaded"


def file_digest(path: Path) -> str:
    """The SHA-256 of a file to load; NotFound naming it when there is none."""
    if not path.is_file():
        raise NotFound(NO_SUCH_FILE(path=path), field="file")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def require_rates_tables(ws: Workspace, repos: Repositories) -> None:
    """A clear error when the workspace predates the rates tables (migration 0002_rates)."""
    if not repos.rates.has_tables():
        raise StoreError(NO_RATE_TABLES(display_url=ws.store.display_url))


def already_loaded(repos: Repositories, kind: str, path: Path, digest: str) -> LoadResult | None:
    """The result to give when this exact file (kind + SHA-256) was loaded before."""
    prior = repos.rates.batch_of(kind, digest)
    if prior is None:
        return None
    return LoadResult(
        kind, path.name, digest, prior.id, prior.rows, 0, prior.rows, True,
        f"{path.name} was already loaded (batch {prior.id}, {prior.loaded_at:%Y-%m-%d %H:%M} "
        f"by {prior.loaded_by}); nothing written",
    )  # fmt: skip


def record_batch(
    uow: UnitOfWork, kind: str, path: Path, digest: str, rows_read: int, rows_new: int
) -> int:
    """The batch of a file being loaded (by the workspace's actor, now) and its audit entry."""
    ws = uow.workspace
    batch_id = uow.repos.rates.add_batch(
        kind=kind, file_name=path.name, sha256=digest, rows=rows_read, loaded_by=ws.actor,
        loaded_at=ws.now(),
    )  # fmt: skip
    uow.audit(
        f"rates.load.{kind}",
        {"file": path.name, "sha256": digest, "batch": batch_id, "rows": rows_new},
    )
    return batch_id
