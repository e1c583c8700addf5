"""Identifiers sealed at rest: ID numbers and phones are stored encrypted, never in clear.

A stored identifier is one text value, its *envelope*::

    mx1.<key id>.<digest>.<tail digest>.<sealed mask>.<sealed value>

- the value and its mask (`520627********1234`, `139****5678`) are each encrypted with AES-256-GCM
  (the `cryptography` library's AEAD), under the current key of `MINXIN_IDENTIFIER_KEYS`, with a
  fresh nonce each and the digests as associated data (no part can be swapped for another's);
- the digest (BLAKE2b keyed with `MINXIN_LOOKUP_KEY`, 128 bits) finds a person by the whole
  number and tells whether a value changed; the tail digest does the same for the last four
  characters, the search any role may make. Without the lookup key neither can be computed, so a
  stolen database cannot be searched by guessing numbers either.

Pages, exports and the API show the mask, which `masked` opens without the value; only `reveal`
(the logged reveal, the unmasked export, a liaison card's printed phone) opens the value. The
mask is sealed too because the birth date is stored in clear: the area code and the last four
beside it would give the whole ID number back. `minxin rotate-key` re-seals under a new key.
"""

import base64
import hashlib
import logging
import os
from collections.abc import Callable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from minxin.core.identifiers import SEALED_PREFIX, mask_id_number_text, mask_phone_text
from minxin.core.masking import SEARCH_TAIL

logger = logging.getLogger(__name__)
PREFIX = SEALED_PREFIX
TAIL = SEARCH_TAIL  # the characters of an ID number the tail digest covers: the search any role may make
_NONCE = 12
MASKS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number_text, "phone": mask_phone_text}


class SealError(ValueError):
    """A stored envelope that cannot be opened: unknown key, altered bytes, not an envelope."""


def new_key_entry(key_id: str) -> str:
    """A fresh `<id>:<base64 key>` entry for MINXIN_IDENTIFIER_KEYS (rotate-key --generate)."""
    return f"{key_id}:{base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


def _decode_key(text: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError:
        raise ImproperlyConfigured(f"{name}: a key is not valid base64.") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name}: each key must be 32 bytes (base64 of 32 random bytes), not {len(key)}.")
    return key


class Keys:
    """The configured keys: every identifier key by id (the first one seals), and the lookup key."""

    def __init__(self, identifier_keys: str, lookup_key: str) -> None:
        self.ciphers: dict[str, AESGCM] = {}
        for entry in identifier_keys.split(","):
            key_id, sep, key = entry.strip().partition(":")
            if not sep or not key_id.isalnum() or key_id in self.ciphers:
                raise ImproperlyConfigured(
                    "MINXIN_IDENTIFIER_KEYS must be a comma-separated list of <id>:<base64 key> entries with "
                    "distinct alphanumeric ids, the current key first.")
            self.ciphers[key_id] = AESGCM(_decode_key(key, "MINXIN_IDENTIFIER_KEYS"))
        self.current = next(iter(self.ciphers))
        self.lookup = _decode_key(lookup_key, "MINXIN_LOOKUP_KEY")


@lru_cache(maxsize=1)
def keys() -> Keys:
    return Keys(settings.MINXIN_IDENTIFIER_KEYS, settings.MINXIN_LOOKUP_KEY)


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: object) -> None:
    if setting in ("MINXIN_IDENTIFIER_KEYS", "MINXIN_LOOKUP_KEY"):
        keys.cache_clear()


def digest(value: str, lookup: bytes | None = None) -> str:
    """The keyed digest of a whole identifier (exact lookup, uniqueness)."""
    return hashlib.blake2b(value.encode(), key=lookup or keys().lookup, digest_size=16).hexdigest()


def tail_digest(value: str, lookup: bytes | None = None) -> str:
    """The keyed digest of an identifier's last four characters (the suffix search)."""
    return hashlib.blake2b(value[-TAIL:].encode(), key=lookup or keys().lookup, digest_size=8,
                           person=b"tail").hexdigest()


def _seal_part(cipher: AESGCM, nonce: bytes, data: str, aad: bytes) -> str:
    return base64.urlsafe_b64encode(nonce + cipher.encrypt(nonce, data.encode(), aad)).decode()


def _open_part(cipher: AESGCM, data: str, aad: bytes) -> str:
    try:
        raw = base64.urlsafe_b64decode(data.encode())
        return cipher.decrypt(raw[:_NONCE], raw[_NONCE:], aad).decode()
    except (InvalidTag, ValueError):
        raise SealError("The identifier's envelope was altered or sealed under another key.") from None


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(value: str, kind: str) -> str:
    """The envelope of a plaintext identifier (already normalised); "" stays ""."""
    return seal_with_digests(value, kind)[0]


def seal_with_digests(value: str, kind: str, k: Keys | None = None) -> tuple[str, str, str]:
    """(envelope, digest, tail digest): a row's three columns (the raw bulk writers take them so).
    `k`: the keys to use, where settings are not at hand (presealing's worker process)."""
    if not value:
        return "", "", ""
    if is_sealed(value):
        return value, envelope_digest(value), envelope_tail(value)
    k = k or keys()
    whole, tail = digest(value, k.lookup), tail_digest(value, k.lookup)
    cipher, nonces = k.ciphers[k.current], os.urandom(2 * _NONCE)
    mask = _seal_part(cipher, nonces[:_NONCE], MASKS[kind](value), f"{kind}.{whole}.{tail}.mask".encode())
    sealed = _seal_part(cipher, nonces[_NONCE:], value, f"{kind}.{whole}.{tail}.value".encode())
    return f"{PREFIX}{k.current}.{whole}.{tail}.{mask}.{sealed}", whole, tail


def _parts(envelope: str) -> list[str]:
    parts = envelope[len(PREFIX):].split(".") if is_sealed(envelope) else []
    if len(parts) != 5:
        raise SealError("Not an identifier envelope.")
    return parts


def _cipher(key_id: str) -> AESGCM:
    cipher = keys().ciphers.get(key_id)
    if cipher is None:
        raise SealError(f"The identifier was sealed under key {key_id!r}, which MINXIN_IDENTIFIER_KEYS no longer holds.")
    return cipher


def masked(envelope: str, kind: str) -> str:
    """What any page may show of a sealed identifier (its mask), opened without the value. An
    envelope that cannot be opened (altered, or its key removed too early) shows as stars and is
    logged: a page never fails for it, and never shows more."""
    try:
        key_id, whole, tail, mask, _value = _parts(envelope)
        return _open_part(_cipher(key_id), mask, f"{kind}.{whole}.{tail}.mask".encode())
    except SealError as exc:
        logger.error("A sealed %s cannot be opened: %s", kind, exc)
        return "*" * (18 if kind == "id_number" else 11)


def reveal(envelope: str, kind: str) -> str:
    """The plaintext of a sealed identifier: only for the logged reveal, the unmasked export and what
    is published on purpose (a resident cadre's phone on the village's liaison card)."""
    if not envelope:
        return ""
    key_id, whole, tail, _mask, value = _parts(envelope)
    return _open_part(_cipher(key_id), value, f"{kind}.{whole}.{tail}.value".encode())


def envelope_digest(envelope: str) -> str:
    return _parts(envelope)[1] if envelope else ""


def envelope_tail(envelope: str) -> str:
    return _parts(envelope)[2] if envelope else ""


def with_digests(envelope: str) -> tuple[str, str, str]:
    """(envelope, digest, tail digest) of an envelope made by seal_with_digests, read off it."""
    _key_id, whole, tail, _mask, _value = _parts(envelope)
    return envelope, whole, tail


def key_id(envelope: str) -> str:
    return _parts(envelope)[0]


def same_value(envelope: str, plaintext: str) -> bool:
    """True if `envelope` seals `plaintext` (compared by digest: nothing is opened). An envelope that
    is no envelope (a damaged row) seals nothing: the new value replaces it."""
    try:
        return bool(envelope) and bool(plaintext) and envelope_digest(envelope) == digest(plaintext)
    except SealError:
        return False


def check_keys(**kwargs: object) -> list:
    """Deploy check: the keys parse (an error naming what is wrong, before any page needs them), and
    they come from the environment, not from files beside the database."""
    from django.core import checks

    try:
        keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="minxin.E001")]
    if os.environ.get("MINXIN_IDENTIFIER_KEYS") and os.environ.get("MINXIN_LOOKUP_KEY"):
        return []
    return [checks.Warning(
        "MINXIN_IDENTIFIER_KEYS and MINXIN_LOOKUP_KEY are not both set: the keys were generated into the "
        "var/ directory, beside the database, where a copy of one may carry the other.",
        hint="Set both in the service's environment file and keep them out of backups (docs/operations.md, "
             "\"Keys\").", id="minxin.W001")]
