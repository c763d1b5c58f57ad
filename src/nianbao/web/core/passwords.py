"""Password hashes (Argon2id, argon2-cffi)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_STRONG = PasswordHasher()
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # tests and benchmarks only

MIN_LENGTH = 8


def hasher(fast: bool = False) -> PasswordHasher:
    return _FAST if fast else _STRONG


def hash_password(password: str, *, fast: bool = False) -> str:
    return hasher(fast).hash(password)


_DUMMY: dict[bool, str] = {}


def dummy_hash(*, fast: bool = False) -> str:
    """A hash of nothing anyone knows, with the same parameters as real ones: verified for unknown names, so
    that a wrong password costs the same time whether the account exists or not."""
    if fast not in _DUMMY:
        _DUMMY[fast] = hasher(fast).hash(secrets.token_urlsafe(16))
    return _DUMMY[fast]


def verify_password(stored: str, password: str) -> bool:
    try:
        return _STRONG.verify(stored, password)  # parameters are read from the stored hash
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused (Chinese), or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字（或其他符号）"
    return None
