"""Who is calling: a bearer token or the signed session cookie — checked once, where the
workspace of the request is built (actor: the user's email; company: a granted one).

Without credentials the API answers 401 (JSON). A request made with the session cookie
that changes state must carry the session's CSRF token (header ``X-CSRF-Token``, or the
form field ``csrf_token`` for the web pages' forms), else 403.
"""

from __future__ import annotations

import enum
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from immex.domain.accounts import Forbidden, NotSignedIn, Permission, User
from immex.domain.messages import Template
from immex.services import figure_cache
from immex.services.accounts import access, signin, tokens
from immex.services.jobs.runner import InProcessRunner
from immex.services.jobs.worker import WorkerQueue
from immex.services.workspace.companies import open_workspace
from immex.services.workspace.context import Workspace, system_clock

BAD_COOKIE = Template("auth.bad_cookie", "the session cookie is not valid; sign in again")
USE_BEARER = Template("auth.use_bearer", "use the header Authorization: Bearer TOKEN")
BAD_CSRF = Template(
    "auth.bad_csrf",
    "CSRF token missing or wrong: send the X-CSRF-Token of your session",
)
SIGN_IN = Template("auth.sign_in", "sign in at /login, or send Authorization: Bearer TOKEN")


SESSION_COOKIE = "immex_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class JobRunners(enum.StrEnum):
    HERE = "here"  # a thread of the server process
    WORKERS = "workers"  # `immex worker` processes (PostgreSQL)


@dataclass(frozen=True)
class ServerSettings:
    #: mark cookies Secure (the server is reached over HTTPS): $IMMEX_SECURE_COOKIES=1
    secure_cookies: bool = field(
        default_factory=lambda: os.environ.get("IMMEX_SECURE_COOKIES") == "1"
    )
    clock: Callable[[], datetime] = system_clock
    #: keep computed figures out of the garbage collector's full collections (a server
    #: process of `immex serve`; see :mod:`immex.services.figure_cache`)
    freeze_figures: bool = False
    #: who runs the jobs ($IMMEX_JOBS); None: this process on SQLite, workers on PostgreSQL
    jobs: JobRunners | None = field(
        default_factory=lambda: (
            JobRunners(os.environ["IMMEX_JOBS"]) if os.environ.get("IMMEX_JOBS") else None
        )
    )


class Server:
    """What every request of one app shares: the workspace, the cookie signer, the jobs."""

    def __init__(self, db: str | None, settings: ServerSettings) -> None:
        self.db = db
        self.settings = settings
        self._lock = threading.RLock()
        self._base: Workspace | None = None
        self._signer: URLSafeTimedSerializer | None = None
        self._runner: InProcessRunner | None = None
        self._queue: WorkerQueue | None = None

    def workspace(self) -> Workspace:
        """The workspace of one request, before anyone is known (today from the clock)."""
        with self._lock:
            if self._base is None:
                self._base = open_workspace(self.db, actor="anonymous")
                figure_cache.enable(  # figures kept between requests
                    self._base.store, freeze=self.settings.freeze_figures
                )
        now = self.settings.clock()
        return Workspace(
            store=self._base.store, actor="anonymous", today=now.date(),
            clock=self.settings.clock,
        )  # fmt: skip

    def signer(self) -> URLSafeTimedSerializer:
        if self._signer is None:
            secret = signin.signing_secret(self.workspace())
            self._signer = URLSafeTimedSerializer(secret, salt="immex.session")
        return self._signer

    def sign(self, session_id: str) -> str:
        return str(self.signer().dumps(session_id))

    def unsign(self, cookie: str) -> str:
        try:
            value = self.signer().loads(
                cookie, max_age=int(signin.SESSION_LIFETIME.total_seconds())
            )
        except BadSignature:
            raise NotSignedIn(BAD_COOKIE()) from None
        return str(value)

    def runners(self) -> JobRunners:
        if self.settings.jobs is not None:
            return self.settings.jobs
        postgres = self.workspace().store.dialect == "postgresql"
        return JobRunners.WORKERS if postgres else JobRunners.HERE

    def dispatch(self, job_id: int) -> None:
        """Hand a queued job to whoever runs this server's jobs."""
        with self._lock:
            if self.runners() is JobRunners.WORKERS:
                if self._queue is None:
                    self._queue = WorkerQueue(self.workspace())
                self._queue.enqueue(job_id)
                return
            if self._runner is None:
                self._runner = InProcessRunner(self.workspace())
                if self.workspace().store.dialect == "sqlite":
                    self._runner.recover()  # one server per SQLite file
            self._runner.enqueue(job_id)

    def close(self) -> None:
        if self._runner is not None:
            self._runner.shutdown()
        if self._queue is not None:
            self._queue.shutdown()
        if self._base is not None:
            self._base.store.dispose()


def server_of(request: Request) -> Server:
    server: Server = request.app.state.immex_server
    return server


@dataclass(frozen=True)
class Caller:
    """The signed-in user of a request and the workspace acting as them."""

    user: User
    ws: Workspace
    session: signin.Session | None = None


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotSignedIn(USE_BEARER())
    return token.strip()


def session_of_request(request: Request) -> signin.Session | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    server = server_of(request)
    return signin.session_of(server.workspace(), server.unsign(cookie))


def check_csrf(session: signin.Session, sent: str | None) -> None:
    if not sent or not secrets.compare_digest(sent, session.csrf_token):
        raise Forbidden(BAD_CSRF())


def caller(request: Request) -> Caller:
    """The dependency every /api/v1 route has: 401 without valid credentials."""
    token = bearer_token(request)
    if token is None and not request.cookies.get(SESSION_COOKIE):
        raise NotSignedIn(SIGN_IN())
    ws = server_of(request).workspace()
    if token is not None:
        user = tokens.user_of_token(ws, token)
        return Caller(user, ws.with_actor(user.email))
    session = session_of_request(request)
    assert session is not None
    if request.method in UNSAFE_METHODS:
        check_csrf(session, request.headers.get(CSRF_HEADER))
    return Caller(session.user, ws.with_actor(session.user.email), session)


CallerDep = Annotated[Caller, Depends(caller)]


def company_workspace(permission: Permission) -> Callable[[str, Caller], Workspace]:
    """A dependency: the workspace of the path's company ``{rfc}`` for the caller."""

    def dependency(rfc: str, who: CallerDep) -> Workspace:
        return access.company_workspace(who.ws, who.user, rfc, permission)

    return dependency


ReadWs = Annotated[Workspace, Depends(company_workspace(Permission.READ))]
OperateWs = Annotated[Workspace, Depends(company_workspace(Permission.OPERATE))]
AuditWs = Annotated[Workspace, Depends(company_workspace(Permission.READ_AUDIT))]
