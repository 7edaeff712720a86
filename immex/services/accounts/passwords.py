"""Passwords: Argon2id hashes (argon2-cffi); the plain text is never stored or logged."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from immex.domain.errors import InvalidInput
from immex.domain.messages import Template

TOO_SHORT = Template("password.too_short", "the password is too short: at least {n} characters")
SPACE = Template("password.space", "the password starts or ends with a space")


MIN_LENGTH = 10

_HASHER = PasswordHasher()

#: verified against when the account does not exist, so that a wrong email costs as much
#: time as a wrong password (no account enumeration by timing)
_DUMMY = _HASHER.hash("not a password of anyone")


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(TOO_SHORT(n=MIN_LENGTH), field="password")
    if password.strip() != password:
        raise InvalidInput(SPACE(), field="password")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored`` (None: no password set — always False)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
