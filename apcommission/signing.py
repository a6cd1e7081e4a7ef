"""The one signing service: what a typed-name signature of a formal document means, for every
document that two parties sign (SLAs, QA visit reports).

A signature covers *a canonical document*: a JSON-able dict of everything the parties agree to
(the caller builds it from its models). `content_hash` is the SHA-256 of that dict serialised in
one stable way (sorted keys, no spaces, UTF-8), so the same content always gives the same hash and
any change — a word of a clause, a judgement, a date — gives another.

A signature records the typed name (which must be the signer's name on their account), their
position, the person, the time and the hash of the content they saw. `prepare_signature`:

* refuses when the document's hash now differs from the hash fixed earlier (when it was sent, or
  when the first party signed): what the second party would sign is not what the first party
  signed, or not what was sent;
* refuses a typed name that is not the signer's full name.

Immutability after signing is the caller's rule, with one exception class for all of them:
`SignedDocumentLocked` (a ValidationError, so forms show it in the error summary).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError


class SignedDocumentLocked(ValidationError):
    """A document signed by both parties (or, for some documents, by one) cannot change."""


def canonical_json(document: dict) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(document: dict) -> str:
    """SHA-256 (hex) of the canonical form of `document`."""
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


@dataclass(frozen=True)
class SignatureFacts:
    """What a signature row stores (besides the document and party the caller knows)."""

    user: object
    typed_name: str
    position: str
    content_hash: str
    signed_at: dt.datetime


def check_typed_name(*, user, typed_name: str) -> None:
    if typed_name.strip().casefold() != user.full_name.strip().casefold():
        raise ValidationError({"typed_name": f"Type your full name exactly as on your account: {user.full_name}"})


def prepare_signature(*, document: dict, fixed_hash: str, user, typed_name: str, position: str,
                      now: dt.datetime, changed_message: str, require_position: bool = False) -> SignatureFacts:
    """Check a signature of `document` by `user` and return what to store.

    `fixed_hash`: the hash the document had when it was sent or first signed ("" when this is the
    first signature, which fixes it). Raises ValidationError (`changed_message` when the content
    changed since; a field error for the typed name or a missing position)."""
    current = content_hash(document)
    if fixed_hash and current != fixed_hash:
        raise ValidationError(changed_message)
    check_typed_name(user=user, typed_name=typed_name)
    if require_position and not position.strip():
        raise ValidationError({"position": "Enter your position"})
    return SignatureFacts(user=user, typed_name=typed_name.strip(), position=position.strip(),
                          content_hash=current, signed_at=now)
