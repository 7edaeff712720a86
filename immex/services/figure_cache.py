"""Figures computed once per state of the workspace, kept by a long-lived server process.

The balances, the expiry list, the F4 plan, 63-A and the dashboard change only when the
data behind them changes — an import, a void or rectification, a discharge run, a rates,
series or parameters load, a company or certification change. Each of those is a write
through ``ws.write()`` that appends to the append-only audit trail in the same
transaction. So the key of a cached figure holds **the newest audit id and the number of
audit entries** as the database says them when the request starts (read before any figure
is read), with the company, the workspace's day, what is asked and the arguments: once a write has
committed, the next request reads a new pair and computes afresh — a stale figure is never
served. Several server processes share one database and each keeps its own cache; each
reads the pair from the database, so a run started through one process is seen by all.

The cache is off unless the store was opened by a server (:func:`enable`): a CLI command
computes once and exits.

A server's figures are millions of Python objects (the 10M plant's dashboard: 9.7M, with the
63-A traces). Python's cyclic garbage collector walks every one of them at each full
collection — 4 to 7 s during which the process answers nothing (the load bench saw every
route stall 7 s and keep-alive connections drop). With ``freeze`` (``immex serve``) a
computed figure is moved out of the collector's sight (:func:`gc.freeze`); the figures are
acyclic values freed by reference counting when a newer data version drops them, and the
collector gets back what was frozen then (:func:`gc.unfreeze`).

Callers receive the cached object itself: the services return immutable values (frozen
dataclasses, tuples) or copies of lists.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from immex.services.workspace.context import Workspace
from immex.store.unit import Store

T = TypeVar("T")

#: figures kept per store (the least recently used go first)
MAX_ENTRIES = 48


class _Slot:
    """One figure: computed by the first request that asks, awaited by the others."""

    __slots__ = ("done", "value", "failed")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: object = None
        self.failed = False


class FigureCache:
    """The figures of one store, by key; the newest audit id seen drops older ones."""

    def __init__(self, max_entries: int = MAX_ENTRIES, freeze: bool = False) -> None:
        self.max_entries = max_entries
        self.freeze = freeze
        self._lock = threading.Lock()
        self._slots: OrderedDict[tuple[Hashable, ...], _Slot] = OrderedDict()
        self._version: tuple[int, int] = (-1, -1)
        self.hits = 0
        self.misses = 0

    def get(
        self, version: tuple[int, int], key: tuple[Hashable, ...], compute: Callable[[], T]
    ) -> T:
        full = (version, *key)
        with self._lock:
            if version > self._version:  # the database changed: older figures are gone
                self._version = version
                for old in [k for k in self._slots if k[0] != version]:
                    del self._slots[old]
                if self.freeze:
                    gc.unfreeze()  # what is left of them is the collector's again
            if version < self._version:  # read before a write another request saw
                self.misses += 1
                return compute()
            slot = self._slots.get(full)
            mine = slot is None
            if slot is None:
                slot = self._slots[full] = _Slot()
                self.misses += 1
                while len(self._slots) > self.max_entries:
                    self._slots.popitem(last=False)
            else:
                self._slots.move_to_end(full)
                self.hits += 1
        if not mine:
            slot.done.wait()
            if slot.failed:  # the first request's error is its own: try here
                return compute()
            return slot.value  # type: ignore[return-value]
        try:
            value = slot.value = compute()
            if self.freeze:
                gc.freeze()  # a long-lived figure: out of the full collections' walk
        except BaseException:
            slot.failed = True
            with self._lock:
                if self._slots.get(full) is slot:
                    del self._slots[full]
            raise
        finally:
            slot.done.set()
        return value

    def __len__(self) -> int:
        return len(self._slots)


_CACHES: weakref.WeakKeyDictionary[Store, FigureCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def enable(store: Store, max_entries: int = MAX_ENTRIES, *, freeze: bool = False) -> FigureCache:
    """Keep figures for ``store`` (a server's store, open for many requests); ``freeze``:
    keep them out of the cyclic garbage collector's full collections (see the module)."""
    with _CACHES_LOCK:
        cache = _CACHES.get(store)
        if cache is None:
            cache = _CACHES[store] = FigureCache(max_entries, freeze)
        return cache


def cache_of(store: Store) -> FigureCache | None:
    return _CACHES.get(store)


def data_version(ws: Workspace) -> tuple[int, int]:
    """The newest audit id and the count of entries: the pair moves with every committed
    write, also when PostgreSQL commits a lower id after a higher one."""
    with ws.read() as repos:
        return repos.audit.state()


def cached(ws: Workspace, name: str, args: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or the figure it gave for the same ``name`` and ``args``, company and
    day while the database has not changed (see the module's doc)."""
    cache = _CACHES.get(ws.store)
    if cache is None:
        return compute()
    company = ws.company.id if ws.company is not None else None
    return cache.get(data_version(ws), (name, company, ws.today, *args), compute)
