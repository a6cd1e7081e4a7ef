"""The token format: `apc_<prefix>_<secret>`. The prefix (8 hex characters) is shown in lists and
finds the row; the secret is `secrets.token_urlsafe(32)`; the row keeps SHA-256 of the whole token."""

from __future__ import annotations

import hashlib
import secrets

SCHEME = "apc"


def new_token() -> tuple[str, str]:
    """(prefix, token) for a new token."""
    prefix = secrets.token_hex(4)
    return prefix, f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def prefix_of(token: str) -> str | None:
    """The lookup prefix of a well-formed token, else None."""
    scheme, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != 8 or not secret:
        return None
    return prefix


def matches(token: str, stored_digest: str) -> bool:
    return secrets.compare_digest(digest(token), stored_digest)
