"""Field encryption and key handling: AES-256-GCM tokens, key files and key loading."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.crypto import (
    KEY_BYTES,
    DecryptionFailed,
    FieldCipher,
    KeyProblem,
    create_key_file,
    encode_key,
    key_id,
    load_key,
)

CONTEXT = "flow_sessions.data"


def test_roundtrip_keeps_the_value(cipher: FieldCipher) -> None:
    value = "Nama panggilan: Sari — 0812-3456-7890 ✓"
    assert cipher.decrypt(cipher.encrypt(value, context=CONTEXT), context=CONTEXT) == value
    assert cipher.decrypt(cipher.encrypt("", context=CONTEXT), context=CONTEXT) == ""


def test_token_names_format_and_key_and_hides_the_value(key: bytes, cipher: FieldCipher) -> None:
    token = cipher.encrypt("rahasia", context=CONTEXT)
    version, kid, body = token.split(":")
    assert version == "v1"
    assert kid == hashlib.sha256(key).hexdigest()[:8] == key_id(key) == cipher.current_key_id
    raw = base64.urlsafe_b64decode(body)
    assert len(raw) == 12 + len("rahasia") + 16  # nonce, ciphertext, tag
    assert "rahasia" not in token
    assert FieldCipher.key_of(token) == kid


def test_each_encryption_uses_a_fresh_nonce(cipher: FieldCipher) -> None:
    assert cipher.encrypt("same", context=CONTEXT) != cipher.encrypt("same", context=CONTEXT)


def test_a_tampered_token_does_not_open(cipher: FieldCipher) -> None:
    token = cipher.encrypt("rahasia", context=CONTEXT)
    prefix, body = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 0x01
    tampered = f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(tampered, context=CONTEXT)
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(f"{prefix}:{body[:10]}", context=CONTEXT)
    with pytest.raises(DecryptionFailed):
        cipher.decrypt("plain text", context=CONTEXT)


def test_a_value_moved_to_another_column_does_not_open(cipher: FieldCipher) -> None:
    token = cipher.encrypt("rahasia", context="notes.body")
    with pytest.raises(DecryptionFailed) as caught:
        cipher.decrypt(token, context=CONTEXT)
    assert "rahasia" not in str(caught.value)


def test_another_key_does_not_open_and_the_error_shows_no_key(key: bytes) -> None:
    token = FieldCipher.from_key(key).encrypt("rahasia", context=CONTEXT)
    other = os.urandom(32)
    with pytest.raises(DecryptionFailed) as caught:
        FieldCipher.from_key(other).decrypt(token, context=CONTEXT)
    message = str(caught.value)
    assert key_id(key) in message
    assert encode_key(key) not in message and encode_key(other) not in message


def test_rotation_reads_old_values_and_writes_with_the_new_key(key: bytes) -> None:
    old_token = FieldCipher.from_key(key).encrypt("lama", context=CONTEXT)
    new = os.urandom(32)
    both = FieldCipher({key_id(key): key, key_id(new): new}, key_id(new))
    assert both.decrypt(old_token, context=CONTEXT) == "lama"
    assert FieldCipher.key_of(both.encrypt("baru", context=CONTEXT)) == key_id(new)


def test_the_cipher_refuses_bad_keys(key: bytes) -> None:
    with pytest.raises(KeyProblem, match="32 bytes"):
        FieldCipher.from_key(os.urandom(16))
    with pytest.raises(KeyProblem, match="wrong id"):
        FieldCipher({"00000000": key}, "00000000")
    with pytest.raises(KeyProblem, match="not among"):
        FieldCipher({key_id(key): key}, "ffffffff")


def test_create_key_file_is_private_and_loadable(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "data" / "jembatan.key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(load_key({}, path)) == 32


def test_create_key_file_never_overwrites(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "jembatan.key")
    before = path.read_bytes()
    with pytest.raises(KeyProblem, match="already exists"):
        create_key_file(path)
    assert path.read_bytes() == before


def test_create_key_file_leaves_an_existing_directory_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    create_key_file(tmp_path / "jembatan.key")
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_two_new_keys_differ(tmp_path: Path) -> None:
    first = load_key({}, create_key_file(tmp_path / "a.key"))
    second = load_key({}, create_key_file(tmp_path / "b.key"))
    assert first != second


def test_the_environment_beats_the_key_file(tmp_path: Path, key: bytes) -> None:
    path = create_key_file(tmp_path / "jembatan.key")
    assert load_key({"JEMBATAN_KEY": encode_key(key)}, path) == key
    assert load_key({"JEMBATAN_KEY": ""}, path) != key


def test_a_key_without_padding_is_accepted(tmp_path: Path, key: bytes) -> None:
    assert load_key({"JEMBATAN_KEY": encode_key(key).rstrip("=")}, tmp_path / "none") == key


def test_no_key_at_all_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KeyProblem) as caught:
        load_key({}, tmp_path / "data" / "jembatan.key")
    message = str(caught.value)
    assert message.startswith("No encryption key: set JEMBATAN_KEY or run `python -m bot init`")
    assert str(tmp_path / "data" / "jembatan.key") in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not base64 at all!", "not valid base64url"),
        (encode_key(b"short"), "has 5 bytes; it must have 32"),
    ],
)
def test_a_malformed_key_is_refused_without_echoing_it(
    tmp_path: Path, text: str, problem: str
) -> None:
    with pytest.raises(KeyProblem, match=problem) as caught:
        load_key({"JEMBATAN_KEY": text}, tmp_path / "none")
    assert "JEMBATAN_KEY" in str(caught.value)
    assert text not in str(caught.value)


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "jembatan.key")
    path.chmod(0o644)
    with pytest.raises(KeyProblem, match=r"can be read by other users \(mode 644\).*chmod 600"):
        load_key({}, path)
    path.chmod(0o600)
    assert len(load_key({}, path)) == 32


NO_FILE = Path("/nonexistent/jembatan.key")


@given(material=st.binary(min_size=KEY_BYTES, max_size=KEY_BYTES))
def test_any_key_in_the_environment_loads_back_exactly(material: bytes) -> None:
    text = encode_key(material)
    for written in (text, text.rstrip("="), f"  {text}\n"):
        assert load_key({"JEMBATAN_KEY": written}, NO_FILE) == material


@given(material=st.binary(min_size=9, max_size=80).filter(lambda b: len(b) != KEY_BYTES))
def test_a_key_of_the_wrong_length_is_refused_without_showing_it(material: bytes) -> None:
    text = encode_key(material)
    with pytest.raises(KeyProblem) as caught:
        load_key({"JEMBATAN_KEY": text}, NO_FILE)
    message = str(caught.value)
    assert f"has {len(material)} bytes" in message
    assert text not in message and text.rstrip("=") not in message


@given(
    material=st.binary(min_size=KEY_BYTES, max_size=KEY_BYTES),
    at=st.integers(min_value=1, max_value=40),  # inside the text, not at its ends
    bad=st.sampled_from("!*.,;:@#$% "),
)
def test_a_damaged_key_is_refused_without_showing_it(material: bytes, at: int, bad: str) -> None:
    text = encode_key(material).rstrip("=")
    damaged = text[:at] + bad + text[at:]
    with pytest.raises(KeyProblem, match="not valid base64url") as caught:
        load_key({"JEMBATAN_KEY": damaged}, NO_FILE)
    message = str(caught.value)
    assert text[:12] not in message and text[-12:] not in message


def test_a_readable_key_file_is_refused_without_showing_the_key(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "jembatan.key")
    text = path.read_text().strip()
    path.chmod(0o640)
    with pytest.raises(KeyProblem, match="chmod 600") as caught:
        load_key({}, path)
    assert text not in str(caught.value)


def test_a_damaged_key_file_is_refused_naming_the_file_not_its_content(tmp_path: Path) -> None:
    path = tmp_path / "jembatan.key"
    content = encode_key(os.urandom(KEY_BYTES))[:20] + "\u00e9\u00e9" + "x" * 20
    path.write_text(content + "\n", encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(KeyProblem, match="not valid base64url") as caught:
        load_key({}, path)
    message = str(caught.value)
    assert str(path) in message
    assert content[:20] not in message


def test_a_cipher_with_old_and_new_keys_reads_both_and_writes_with_the_new(key: bytes) -> None:
    new = os.urandom(KEY_BYTES)
    old_token = FieldCipher.from_key(key).encrypt("lama", context=CONTEXT)
    new_token = FieldCipher.from_key(new).encrypt("baru", context=CONTEXT)
    both = FieldCipher({key_id(key): key, key_id(new): new}, key_id(new))
    assert both.decrypt(old_token, context=CONTEXT) == "lama"
    assert both.decrypt(new_token, context=CONTEXT) == "baru"
    written = both.encrypt("lagi", context=CONTEXT)
    assert written.startswith(f"v1:{key_id(new)}:")
    assert FieldCipher.from_key(new).decrypt(written, context=CONTEXT) == "lagi"
    with pytest.raises(DecryptionFailed):
        FieldCipher.from_key(key).decrypt(written, context=CONTEXT)


@given(value=st.text(max_size=200), context=st.sampled_from(["a.b", "referrals.personal", "x"]))
def test_any_text_survives_encryption_in_its_own_context(value: str, context: str) -> None:
    cipher = FieldCipher.from_key(b"k" * KEY_BYTES)
    assert cipher.decrypt(cipher.encrypt(value, context=context), context=context) == value
