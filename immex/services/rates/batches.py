"""What every ``immex rates load …`` shares: the result, the "already loaded" check, the
load batch (file, SHA-256, who, when) with its audit entry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from immex.domain.errors import NotFound
from immex.domain.messages import Msg, Template
from immex.services.workspace.context import UnitOfWork, Workspace
from immex.store.database import StoreError
from immex.store.unit import Repositories

LOADED = Template("rates.verb.loaded", "loaded")()
WOULD_LOAD = Template("rates.verb.would_load", "would be loaded (dry run: nothing written)")()
#: a load's message with the rows the workspace already had
ALREADY_PRESENT = Template("rates.already_present", "{message}, {present} already present")
ALREADY_LOADED = Template(
    "rates.already_loaded",
    "{file} was already loaded (batch {batch}, {when} by {who}); nothing written",
)
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


def loaded_verb(dry_run: bool) -> Msg:
    """How a load's message says what it did: ``loaded``, or for a dry run what it would."""
    return WOULD_LOAD if dry_run else LOADED


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
        ALREADY_LOADED(file=path.name, batch=prior.id, when=f"{prior.loaded_at:%Y-%m-%d %H:%M}",
                       who=prior.loaded_by),
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
