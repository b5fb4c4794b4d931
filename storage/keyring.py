"""The key file as a keyring: the current key on the first line, older keys still accepted below.

A key file with one line (what `init` writes) is a keyring of one key. During a key rotation
(bot/admin/rotate.py) the file holds the new key first and the old one second, so every value opens
whichever key wrote it; at the end it holds the new key alone.

A running bot keeps working through a rotation: its cipher (`KeyringCipher`) checks the key
file's identity (inode, size, modification time: one `stat`) before each encryption and reloads
the keyring when the file was replaced, so new values use the new key; and a value under a key
id it does not hold makes it reload once before giving up. The file is always replaced whole
(write a temporary file, fsync, rename), so a reader never sees half a keyring.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from storage.crypto import (
    INIT_COMMAND,
    KEY_BYTES,
    KEY_ENV,
    DecryptionFailed,
    FieldCipher,
    KeyProblem,
    decode_key,
    encode_key,
    key_id,
    load_key,
)

log = logging.getLogger(__name__)
Stamp = tuple[int, int, int]


def _stamp(path: Path) -> Stamp:
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_keyring(key_file: Path) -> list[bytes]:
    """The keys of a key file, current first; refuses a missing, exposed or malformed file."""
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
    text = key_file.read_text(encoding="ascii", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise KeyProblem(f"The key file {key_file} is empty; put back the key you backed up.")
    keys: list[bytes] = []
    for number, line in enumerate(lines, start=1):
        key = decode_key(line, f"{key_file} (line {number})")
        if key not in keys:
            keys.append(key)
    return keys


def write_keyring(key_file: Path, keys: Sequence[bytes]) -> None:
    """Replaces the key file atomically (temporary file, fsync, rename), readable by this user."""
    if not keys or any(len(key) != KEY_BYTES for key in keys):
        raise KeyProblem(f"A keyring needs one or more keys of {KEY_BYTES} bytes.")
    temporary = key_file.with_name(f".{key_file.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write("".join(encode_key(key) + "\n" for key in keys))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, key_file)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(key_file.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class KeyringCipher(FieldCipher):
    """A FieldCipher that follows its key file: new keys are picked up without a restart."""

    def __init__(self, key_file: Path) -> None:
        self.key_file = key_file
        self._stamp: Stamp = (0, 0, 0)
        self._load()

    def _load(self) -> None:
        stamp = _stamp(self.key_file)
        keys = read_keyring(self.key_file)
        FieldCipher.__init__(self, {key_id(key): key for key in keys}, key_id(keys[0]))
        self._stamp = stamp

    def _follow(self) -> bool:
        """Reloads the keyring if the file changed; True if it did. A broken file is ignored."""
        try:
            if _stamp(self.key_file) == self._stamp:
                return False
            self._load()
        except (OSError, KeyProblem) as problem:
            log.warning("Key file not reloaded, keeping the loaded keys: %s", problem)
            return False
        log.info("Key file reloaded; current key id %s", self.current_key_id)
        return True

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ids of the keys held, current first."""
        return (self.current_key_id, *(k for k in self._aead if k != self.current_key_id))

    def encrypt(self, value: str, *, context: str) -> str:
        """Encrypts under the key file's current key."""
        self._follow()
        return super().encrypt(value, context=context)

    def decrypt(self, token: str, *, context: str) -> str:
        """Decrypts; a value under a key id not held makes it reload the key file once."""
        try:
            return super().decrypt(token, context=context)
        except DecryptionFailed:
            if self.key_of(token) in self._aead or not self._follow():
                raise
        return super().decrypt(token, context=context)


def open_cipher(env: Mapping[str, str], key_file: Path) -> FieldCipher:
    """The cipher for a process: JEMBATAN_KEY (one fixed key) wins, else the key file's keyring."""
    if env.get(KEY_ENV):
        return FieldCipher.from_key(decode_key(env[KEY_ENV], KEY_ENV))
    load_key(env, key_file)  # a missing or readable-by-others key file: the clear message
    return KeyringCipher(key_file)
