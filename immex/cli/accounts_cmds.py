"""`immex user …` and `immex token …`: accounts, roles per company, API tokens."""

from __future__ import annotations

import sys

import typer

from immex.cli.common import (
    DbOpt,
    JsonOpt,
    console,
    handle_errors,
    open_ws,
    parse_date,
    print_json,
    say,
    text,
)
from immex.domain.accounts import User
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.services.accounts import tokens as token_service
from immex.services.accounts import users as user_service
from immex.services.workspace.context import Workspace

user_app = typer.Typer(
    help="Accounts and their roles per company (admin, specialist, viewer, auditor).",
    no_args_is_help=True,
)
token_app = typer.Typer(help="API tokens (Authorization: Bearer …).", no_args_is_help=True)

RoleOpt = typer.Option(..., "--role", help="admin | specialist | viewer | auditor.")
PasswordStdinOpt = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input."
)


NO_STDIN_PASSWORD = Template(
    "cli.user.no_stdin_password", "--password-stdin: standard input has no password"
)
STATE_DISABLED = Template("cli.user.state.disabled", "account disabled")
STATE_EXPIRES = Template("cli.user.state.expires", "account expires {day}")
STATE_ACTIVE = Template("cli.user.state.active", "account active")
#: the roles as a person reads them (``--role`` and ``--json`` keep the codes)
ROLES = {
    "admin": Template("cli.user.role.admin", "administrator"),
    "specialist": Template("cli.user.role.specialist", "specialist"),
    "viewer": Template("cli.user.role.viewer", "viewer"),
    "auditor": Template("cli.user.role.auditor", "auditor"),
}
GRANT_ALL = Template("cli.user.grant_all", "{role} in every company")
GRANT_IN = Template("cli.user.grant_in", "{role} in {rfc}")
NO_GRANTS = Template("cli.user.no_grants", "no role")
EVERY_COMPANY = Template("cli.user.every_company", "every company")
USER_ADDED = Template("cli.user.added", "user {email} added: {grants} ({state})")
NO_PASSWORD = Template(
    "cli.user.no_password",
    "no password set: sign-in needs one (immex user passwd EMAIL --password-stdin); "
    "API tokens work without",
)
USER_DISABLED = Template("cli.user.disabled", "user {email} disabled")
USER_ENABLED = Template("cli.user.enabled", "user {email} enabled ({state})")
TOKENS_REVOKED = Template(
    "cli.user.tokens_revoked",
    "{n} token it had before it was disabled stays revoked: create new ones with "
    "`immex token create`",
    "{n} tokens it had before it was disabled stay revoked: create new ones with "
    "`immex token create`",
)
USER_REVOKED = Template("cli.user.revoked", "user {email}: role in {scope} removed; now {grants}")
USER_EXPIRES = Template(
    "cli.user.expires", "user {email} expires {day} (it stops working that day)"
)
USER_NEVER_EXPIRES = Template("cli.user.never_expires", "user {email} has no expiry date")
EXPIRES_ONE = Template(
    "cli.user.expires_one", "give one of --date YYYY-MM-DD or --never (not {given})"
)
NEITHER = Template("cli.user.neither", "neither")
BOTH = Template("cli.user.both", "both")
USER_GRANTS = Template("cli.user.grants", "user {email}: {grants}")
PASSWORD_SET = Template("cli.user.password_set", "password of {email} set")
TOKEN_EXPIRES = Template("cli.token.expires", "expires {when} UTC")
TOKEN_NO_EXPIRY = Template("cli.token.no_expiry", "no expiry")
TOKEN_CREATED = Template(
    "cli.token.created", "token {prefix}… for {user} ({until}); it is shown only now:"
)
TOKEN_REVOKED_STATE = Template("cli.token.state.revoked", "revoked")
TOKEN_LIVE_STATE = Template("cli.token.state.live", "live")
TOKEN_REVOKED = Template("cli.token.revoked", "token {prefix} of {email} revoked")


def _ws(db: str | None) -> Workspace:
    return open_ws(db, None, need_company=False)  # type: ignore[no-any-return]


def _stdin_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InvalidInput(NO_STDIN_PASSWORD(), field="password")
    return line


def _grants(user: User) -> str:
    """The user's roles in words: "administrator in every company", "viewer in EIN150301ABA"
    (``--json`` keeps the codes)."""
    shown = [
        text(
            GRANT_IN(role=ROLES[g.role.value](), rfc=g.company_rfc)
            if g.company_rfc
            else GRANT_ALL(role=ROLES[g.role.value]())
        )
        for g in user.grants
    ]
    return ", ".join(shown) or text(NO_GRANTS())


def _state(user: User) -> str:
    if user.disabled:
        return text(STATE_DISABLED())
    return text(STATE_EXPIRES(day=user.expires_on) if user.expires_on else STATE_ACTIVE())


@user_app.command("add")
@handle_errors
def user_add(
    email: str = typer.Argument(..., help="The user's email (their sign-in name)."),
    role: str = RoleOpt,
    company: list[str] = typer.Option(
        [], "--company", help="Company RFC the role applies in (repeatable; none: admin of all)."
    ),
    password_stdin: bool = PasswordStdinOpt,
    expires: str | None = typer.Option(
        None, "--expires", help="Date the account stops working (required for an auditor)."
    ),
    name: str | None = typer.Option(None, "--name", help="Display name."),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Create an account with a role in the companies named."""
    password = _stdin_password() if password_stdin else None
    user = user_service.add_user(
        _ws(db), email, role, company, password=password,
        expires_on=parse_date(expires, "expires"), display_name=name,
    )  # fmt: skip
    if json_out:
        print_json(user)
        return
    say(USER_ADDED(email=user.email, grants=_grants(user), state=_state(user)))
    if password is None:
        say(NO_PASSWORD())


@user_app.command("list")
@handle_errors
def user_list(db: str | None = DbOpt, json_out: bool = JsonOpt) -> None:
    """Every account, its roles per company and its state."""
    users = user_service.list_users(_ws(db))
    if json_out:
        print_json(users)
        return
    for user in users:
        console.print(f"{user.email}  {_grants(user)}  {_state(user)}", markup=False)


@user_app.command("disable")
@handle_errors
def user_disable(
    email: str = typer.Argument(..., help="The user's email."), db: str | None = DbOpt
) -> None:
    """Disable an account: no sign-in, and its sessions and tokens stop working."""
    user = user_service.disable_user(_ws(db), email)
    say(USER_DISABLED(email=user.email))


@user_app.command("enable")
@handle_errors
def user_enable(
    email: str = typer.Argument(..., help="The user's email."), db: str | None = DbOpt
) -> None:
    """Enable a disabled account: it may sign in again (its expiry date still applies); the
    tokens it had stay revoked."""
    user, revoked = user_service.enable_user(_ws(db), email)
    say(USER_ENABLED(email=user.email, state=_state(user)))
    if revoked:
        say(TOKENS_REVOKED(n=revoked))


@user_app.command("revoke")
@handle_errors
def user_revoke(
    email: str = typer.Argument(..., help="The user's email."),
    company: str | None = typer.Option(
        None, "--company", help="Company RFC (omit only for the role in every company)."
    ),
    db: str | None = DbOpt,
) -> None:
    """Take away the user's role in a company: its data answers 404 to them from now on
    (the last administrator of every company keeps that role)."""
    user = user_service.revoke(_ws(db), email, company)
    scope = company.strip().upper() if company else text(EVERY_COMPANY())
    say(USER_REVOKED(email=user.email, scope=scope, grants=_grants(user)))


@user_app.command("expires")
@handle_errors
def user_expires(
    email: str = typer.Argument(..., help="The user's email."),
    day: str | None = typer.Option(
        None, "--date", help="The day the account stops working (YYYY-MM-DD, after today)."
    ),
    never: bool = typer.Option(False, "--never", help="No expiry (refused for an auditor)."),
    db: str | None = DbOpt,
) -> None:
    """Set, extend or bring forward the day an account stops working (an auditor's account
    is always time-limited: it takes --date)."""
    if (day is None) == (not never):
        raise InvalidInput(EXPIRES_ONE(given=BOTH() if never else NEITHER()), field="date")
    user = user_service.set_expiry(_ws(db), email, None if never else parse_date(day, "date"))
    if user.expires_on is None:
        say(USER_NEVER_EXPIRES(email=user.email))
    else:
        say(USER_EXPIRES(email=user.email, day=user.expires_on))


@user_app.command("grant")
@handle_errors
def user_grant(
    email: str = typer.Argument(..., help="The user's email."),
    company: str | None = typer.Option(
        None, "--company", help="Company RFC (omit only for an admin of every company)."
    ),
    role: str = RoleOpt,
    db: str | None = DbOpt,
) -> None:
    """Give the user a role in a company (replacing the role they had there)."""
    user = user_service.grant(_ws(db), email, company, role)
    say(USER_GRANTS(email=user.email, grants=_grants(user)))


@user_app.command("passwd")
@handle_errors
def user_passwd(
    email: str = typer.Argument(..., help="The user's email."),
    password_stdin: bool = typer.Option(
        ..., "--password-stdin", help="Read the new password from standard input."
    ),
    db: str | None = DbOpt,
) -> None:
    """Set a user's password (their sessions end)."""
    user_service.set_password(_ws(db), email, _stdin_password())
    say(PASSWORD_SET(email=email.strip().lower()))


@token_app.command("create")
@handle_errors
def token_create(
    email: str = typer.Argument(..., help="The user the token acts for."),
    expires_days: int | None = typer.Option(
        None, "--expires-days", help="Days until the token expires (default: never)."
    ),
    db: str | None = DbOpt,
) -> None:
    """Create an API token; it is printed once, alone on the last line (only its hash is
    kept)."""
    new = token_service.create_token(_ws(db), email, expires_days)
    until = (
        TOKEN_EXPIRES(when=f"{new.expires_at:%Y-%m-%d %H:%M}") if new.expires_at
        else TOKEN_NO_EXPIRY()
    )  # fmt: skip
    typer.echo(text(TOKEN_CREATED(prefix=new.prefix, user=new.user, until=until)))
    typer.echo(new.token)


@token_app.command("list")
@handle_errors
def token_list(
    email: str = typer.Argument(..., help="The user."), db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:  # fmt: skip
    """The user's tokens (prefix, dates; never the token)."""
    rows = token_service.list_tokens(_ws(db), email)
    if json_out:
        print_json(rows)
        return
    for r in rows:
        state = text(TOKEN_REVOKED_STATE() if r["revoked_at"] else TOKEN_LIVE_STATE())
        console.print(f"{r['prefix']}…  {r['created_at']:%Y-%m-%d}  {state}", markup=False)


@token_app.command("revoke")
@handle_errors
def token_revoke(
    email: str = typer.Argument(..., help="The user."),
    prefix: str = typer.Argument(..., help="The token's prefix, as `immex token list` shows."),
    db: str | None = DbOpt,
) -> None:
    """Revoke a token: requests with it answer 401 from now on."""
    token_service.revoke_token(_ws(db), email, prefix.rstrip("…"))
    say(TOKEN_REVOKED(prefix=prefix, email=email))


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
