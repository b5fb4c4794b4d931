"""Every encrypted column of the database, in one place (used by erasure and key rotation).

Each entry names the table, the column holding `v1:<key id>:...` tokens, the column that
identifies a row, the context the repository binds to the value (storage/crypto.py) and, where
only some rows of the column are encrypted, a filter. A new encrypted column must be added here:
tests/storage/test_erasure.py fails when a repository uses a context this list does not name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EncryptedField:
    """One encrypted column: where it lives, how its rows are keyed, and its context."""

    table: str
    column: str
    key: str
    context: str
    where: str = ""

    @property
    def name(self) -> str:
        """What names this field: its context for a filtered column, else `table.column`."""
        return self.context if self.where else f"{self.table}.{self.column}"

    def rows(self) -> str:
        """The SQL condition selecting the rows that hold a token (no empty or NULL values)."""
        base = f"{self.column} IS NOT NULL AND {self.column} != ''"
        return f"{base} AND {self.where}" if self.where else base


ENCRYPTED_FIELDS: tuple[EncryptedField, ...] = (
    # The key-check canary (storage/keycheck.py); the only encrypted row of meta.
    EncryptedField("meta", "value", "key", "meta.key_check", "key = 'key_check'"),
    # The key of the quarantine's sender index (storage/quarantine.py); re-encrypted, never changed.
    EncryptedField("meta", "value", "key", "meta.sender_index", "key = 'sender_index'"),
    EncryptedField("flow_sessions", "data", "user_id", "flow_sessions.data"),
    EncryptedField("referrals", "personal", "id", "referrals.personal"),
    EncryptedField("notes", "body", "id", "notes.body"),
    EncryptedField("relay_messages", "body", "id", "relay_messages.body"),
    EncryptedField("outbox", "payload", "id", "outbox.payload"),
    EncryptedField("caseworkers", "name", "id", "caseworkers.name"),
    EncryptedField("inbox", "payload", "update_id", "inbox.payload"),
    # A quarantined update is an inbox payload set aside as it was: the inbox's context.
    EncryptedField("inbox_quarantine", "payload", "update_id", "inbox.payload"),
    EncryptedField("sealed_messages", "payload", "id", "sealed_messages.payload"),
)
