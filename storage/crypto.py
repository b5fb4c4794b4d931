"""Field encryption for personal data (AES-256-GCM) and loading the key that it needs.

A stored value is the text `v1:<key id>:<base64url(nonce + ciphertext)>`. The nonce is 12 random
bytes; the column the value belongs to (its context, e.g. "flow_sessions.data") is bound to it as
associated data, so a value copied into another column does not open. The key id (the first 8 hex
digits of the key's SHA-256) lets a cipher hold an old and a new key during a rotation.

The key is 32 bytes, written as base64url text: in the JEMBATAN_KEY variable, which wins, or in a
key file. A key file that other users could read is refused, not just warned about: the key opens
every personal field, and the fix (`chmod 600`) takes a second. Messages never contain key bytes.
"""

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

from storage.folders import make_private_dir

KEY_ENV = "JEMBATAN_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12
TOKEN_VERSION = "v1"
INIT_COMMAND = "python -m bot init"


class KeyProblem(Exception):
    """The encryption key is missing, malformed, exposed or wrong; the message says what to do."""


class DecryptionFailed(Exception):
    """A stored value could not be decrypted (unknown key, wrong column, or tampering)."""


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key (never the key itself)."""
    return hashlib.sha256(key).hexdigest()[:8]


def encode_key(key: bytes) -> str:
    """Encodes key material as base64url text."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str, origin: str) -> bytes:
    """Decodes base64url key text (padding optional), checking that it is 32 bytes."""
    cleaned = text.strip()
    try:
        key = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem(
            f"The encryption key in {origin} is not valid base64url text; "
            f"put back the key you backed up, or create a new one with `{INIT_COMMAND}` "
            "for a new, empty database."
        ) from None
    if len(key) != KEY_BYTES:
        raise KeyProblem(
            f"The encryption key in {origin} has {len(key)} bytes; it must have {KEY_BYTES}. "
            "Check that it was copied whole."
        )
    return key


def load_key(env: Mapping[str, str], key_file: Path) -> bytes:
    """Loads the current key: JEMBATAN_KEY if set, else the key file's first line (keyring)."""
    if env.get(KEY_ENV):
        return decode_key(env[KEY_ENV], KEY_ENV)
    if not key_file.is_file():
        raise KeyProblem(
            f"No encryption key: set {KEY_ENV} or run `{INIT_COMMAND}` to create {key_file}."
        )
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyProblem(
            f"The key file {key_file} can be read by other users (mode {mode:o}); "
            f"run `chmod 600 {key_file}` and start again."
        )
    text = key_file.read_text(encoding="ascii", errors="replace").strip()
    return decode_key(text.splitlines()[0] if text else "", str(key_file))


def create_key_file(path: Path) -> Path:
    """Writes a new random key readable only by this user; refuses to overwrite a key.

    A directory created here (its parents too) gets mode 0700; an existing one is left as it is.
    """
    make_private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyProblem(
            f"{path} already exists; a key is never overwritten. "
            "Move it away yourself only if you are sure no data needs it."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(encode_key(secrets.token_bytes(KEY_BYTES)) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


class FieldCipher:
    """Encrypts and decrypts personal fields; holds the current key and any older ones."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        for kid, key in keys.items():
            if len(key) != KEY_BYTES:
                raise KeyProblem(f"Encryption key {kid} must have {KEY_BYTES} bytes.")
            if key_id(key) != kid:
                raise KeyProblem(f"An encryption key was filed under the wrong id ({kid}).")
        if current_key_id not in keys:
            raise KeyProblem(f"The current key id {current_key_id} is not among the loaded keys.")
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
        """Decrypts a value written by encrypt() for the same context, with the key it names."""
        version, kid, body = [*token.split(":", 2), "", ""][:3]
        if version != TOKEN_VERSION:
            raise DecryptionFailed("The stored value is not in a known encrypted format.")
        aead = self._aead.get(kid)
        if aead is None:
            raise DecryptionFailed(f"The stored value needs key id {kid or '?'}, not loaded.")
        try:
            raw = base64.b64decode(body.encode("ascii"), altchars=b"-_", validate=True)
            if len(raw) <= NONCE_BYTES:
                raise ValueError("too short")
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
            return plain.decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionFailed(
                f"A value under key id {kid} does not open here "
                f"(altered, or written for another column than {context})."
            ) from None

    @staticmethod
    def key_of(token: str) -> str:
        """The key id a stored value was encrypted with ("" if it has none)."""
        return token.split(":", 2)[1] if token.count(":") >= 2 else ""
