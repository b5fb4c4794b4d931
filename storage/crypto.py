"""Field encryption for personal data: AES-256-GCM, key id stored with every value."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ENV = "JEMBATAN_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12
TOKEN_VERSION = "v1"


class KeyProblem(Exception):
    """The encryption key is missing, malformed or wrong; the message says what to do."""


class DecryptionFailed(Exception):
    """A stored value could not be decrypted (wrong key, wrong column, or tampering)."""


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key (never the key itself)."""
    return hashlib.sha256(key).hexdigest()[:8]


def encode_key(key: bytes) -> str:
    """Encodes key material as base64url text."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str, origin: str) -> bytes:
    """Decodes base64url key text, checking its length."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise KeyProblem(f"The encryption key in {origin} is not valid base64url text.") from None
    if len(key) != KEY_BYTES:
        raise KeyProblem(
            f"The encryption key in {origin} has {len(key)} bytes; it must have {KEY_BYTES}."
        )
    return key


def load_key(env: Mapping[str, str], key_file: Path) -> bytes:
    """Loads the key: the JEMBATAN_KEY variable wins, else the key file."""
    if env.get(KEY_ENV):
        return decode_key(env[KEY_ENV], KEY_ENV)
    if not key_file.exists():
        raise KeyProblem(
            f"No encryption key: set {KEY_ENV} or run `python -m bot init` to create {key_file}."
        )
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyProblem(
            f"The key file {key_file} can be read by other users (mode {mode:o}); "
            f"run `chmod 600 {key_file}` and start again."
        )
    return decode_key(key_file.read_text(), str(key_file))


def create_key_file(path: Path) -> Path:
    """Writes a new random key readable only by this user; refuses to overwrite a key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyProblem(f"{path} already exists; a key is never overwritten.") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(encode_key(secrets.token_bytes(KEY_BYTES)) + "\n")
    return path


class FieldCipher:
    """Encrypts and decrypts personal fields; holds the current key and any older ones."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        if current_key_id not in keys:
            raise KeyProblem("The current key is not among the loaded keys.")
        self._aead = {kid: AESGCM(key) for kid, key in keys.items()}
        self.current_key_id = current_key_id

    @classmethod
    def from_key(cls, key: bytes) -> FieldCipher:
        """A cipher with a single key."""
        return cls({key_id(key): key}, key_id(key))

    def encrypt(self, value: str, *, context: str) -> str:
        """Encrypts a value; the context (table.column) is bound to it as associated data."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead[self.current_key_id].encrypt(
            nonce, value.encode("utf-8"), context.encode("utf-8")
        )
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{TOKEN_VERSION}:{self.current_key_id}:{body}"

    def decrypt(self, token: str, *, context: str) -> str:
        """Decrypts a value written by encrypt() for the same context."""
        version, kid, body = [*token.split(":", 2), "", ""][:3]
        aead = self._aead.get(kid)
        if version != TOKEN_VERSION or aead is None:
            raise DecryptionFailed(f"value under unknown key id {kid or '?'}")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionFailed(f"value under key {kid} does not open") from None
        return plain.decode("utf-8")

    @staticmethod
    def key_of(token: str) -> str:
        """The key id a stored value was encrypted with."""
        return token.split(":", 2)[1] if token.count(":") >= 2 else ""
