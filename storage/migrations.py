"""Versioned schema migrations: numbered steps, each applied in its own transaction.

`schema_version` holds one row per applied step. A step is SQL statements and/or an async
function of the connection; it runs inside one BEGIN IMMEDIATE transaction together with the row
that records it, so a failing step leaves both the schema and the version as they were. Steps run
one statement at a time (never `executescript`, which would commit the open transaction).
A released step is never edited: change the schema by adding the next number.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.connection import Connection

if TYPE_CHECKING:
    from storage.db import Database

Upgrade = Callable[[Connection], Awaitable[None]]


class SchemaTooNew(Exception):
    """The database was written by a newer Jembatan; this code must not touch it."""


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, a description, SQL statements and an optional function."""

    version: int
    description: str
    statements: tuple[str, ...] = ()
    upgrade: Upgrade | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "users, flow sessions, consents, append-only audit log",
        (
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                telegram_id INTEGER NOT NULL UNIQUE,
                locale TEXT NOT NULL DEFAULT 'id',
                region_code TEXT,
                created_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL)""",
            # data: the session JSON, encrypted as a whole (storage.sessions).
            """CREATE TABLE flow_sessions (
                user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                data TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_at TEXT NOT NULL)""",
            # SET NULL, not CASCADE: a referral points at its consent (referrals.consent_id) and
            # outlives her account without a link to it, so a cascade would block deleting her.
            """CREATE TABLE consents (
                id INTEGER PRIMARY KEY,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                purpose TEXT NOT NULL,
                text_version TEXT NOT NULL,
                locale TEXT NOT NULL,
                given_at TEXT NOT NULL,
                withdrawn_at TEXT)""",
            "CREATE INDEX consents_user ON consents(user_id)",
            """CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT,
                detail TEXT)""",
            """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
            """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        ),
    ),
    Migration(
        2,
        "referrals and their status history",
        (
            """CREATE TABLE referrals (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                service TEXT NOT NULL,
                item TEXT NOT NULL DEFAULT '',
                region_code TEXT NOT NULL,
                region_system TEXT NOT NULL,
                office_key TEXT NOT NULL,
                home_region TEXT,
                urgency TEXT NOT NULL,
                contact TEXT NOT NULL,
                time_window TEXT,
                phone_alone INTEGER,
                personal TEXT,
                consent_id INTEGER REFERENCES consents(id),
                status TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL)""",
            "CREATE INDEX referrals_user ON referrals(user_id)",
            "CREATE INDEX referrals_region_status ON referrals(region_code, status)",
            """CREATE TABLE referral_events (
                id INTEGER PRIMARY KEY,
                referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                status TEXT NOT NULL)""",
            "CREATE INDEX referral_events_referral ON referral_events(referral_id)",
        ),
    ),
    Migration(
        3,
        "caseworkers, one-time invites, notifications, claims and outcomes",
        (
            """CREATE TABLE caseworkers (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('caseworker', 'supervisor', 'admin')),
                regions TEXT NOT NULL,
                services TEXT NOT NULL,
                telegram_id INTEGER UNIQUE,
                active INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                bound_at TEXT,
                deactivated_at TEXT)""",
            """CREATE TABLE invites (
                token_hash TEXT PRIMARY KEY,
                caseworker_id INTEGER NOT NULL REFERENCES caseworkers(id) ON DELETE CASCADE,
                expires_at TEXT NOT NULL,
                used_at TEXT)""",
            """CREATE TABLE notifications (
                id INTEGER PRIMARY KEY,
                referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
                caseworker_id INTEGER NOT NULL REFERENCES caseworkers(id) ON DELETE CASCADE,
                chat_id INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                sent_at TEXT NOT NULL)""",
            "CREATE INDEX notifications_referral ON notifications(referral_id)",
            "ALTER TABLE referrals ADD COLUMN claimed_by INTEGER REFERENCES caseworkers(id)",
            "ALTER TABLE referrals ADD COLUMN outcome TEXT",
            "ALTER TABLE referrals ADD COLUMN routed INTEGER NOT NULL DEFAULT 0",
        ),
    ),
    Migration(
        4,
        "case notes, relayed messages, desk input modes",
        (
            """CREATE TABLE notes (
                id INTEGER PRIMARY KEY,
                referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
                caseworker_id INTEGER NOT NULL REFERENCES caseworkers(id),
                body TEXT NOT NULL,
                at TEXT NOT NULL)""",
            "CREATE INDEX notes_referral ON notes(referral_id)",
            """CREATE TABLE relay_messages (
                id INTEGER PRIMARY KEY,
                referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
                direction TEXT NOT NULL CHECK (direction IN ('to_her', 'from_her')),
                body TEXT NOT NULL,
                at TEXT NOT NULL)""",
            "CREATE INDEX relay_messages_referral ON relay_messages(referral_id)",
            "ALTER TABLE referrals ADD COLUMN relay_open INTEGER NOT NULL DEFAULT 1",
            """CREATE TABLE desk_modes (
                caseworker_id INTEGER PRIMARY KEY REFERENCES caseworkers(id) ON DELETE CASCADE,
                mode TEXT NOT NULL,
                code TEXT NOT NULL,
                extra TEXT NOT NULL DEFAULT '',
                updated_at TEXT NOT NULL)""",
        ),
    ),
    Migration(
        5,
        "follow-ups, the durable outbox, her follow-up choice and reachability",
        (
            # One row per scheduled follow-up; (kind, referral_id) makes scheduling idempotent.
            """CREATE TABLE followups (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                due_at TEXT NOT NULL,
                valid_until TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN
                    ('pending', 'sent', 'answered', 'expired', 'cancelled')),
                attempts INTEGER NOT NULL DEFAULT 0,
                answer TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (kind, referral_id))""",
            "CREATE INDEX followups_due ON followups(state, due_at)",
            "CREATE INDEX followups_user ON followups(user_id)",
            # payload: the rendered message (text, buttons), encrypted (storage.outbox).
            """CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                chat_id INTEGER NOT NULL,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                caseworker_id INTEGER REFERENCES caseworkers(id) ON DELETE SET NULL,
                referral_id INTEGER REFERENCES referrals(id) ON DELETE SET NULL,
                followup_id INTEGER REFERENCES followups(id) ON DELETE SET NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN
                    ('pending', 'sending', 'sent', 'failed', 'cancelled')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT NOT NULL,
                last_error TEXT,
                message_id INTEGER,
                created_at TEXT NOT NULL,
                sent_at TEXT)""",
            "CREATE INDEX outbox_due ON outbox(state, next_attempt_at)",
            "CREATE INDEX outbox_user ON outbox(user_id)",
            # followups: 'on' (consented), 'paused', or 'off' (never asked, declined or stopped).
            "ALTER TABLE users ADD COLUMN followups TEXT NOT NULL DEFAULT 'off'",
            "ALTER TABLE users ADD COLUMN forbidden_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN unreachable_at TEXT",
            # 1 once she says others use this phone: protected, neutral messages, shorter keeping.
            "ALTER TABLE users ADD COLUMN shared_phone INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE referrals ADD COLUMN travel_date TEXT",
        ),
    ),
    Migration(
        6,
        "the messages of her chat, so that she can wipe it",
        (
            # Ids only (no text): which messages of a private chat the bot may still delete.
            """CREATE TABLE chat_messages (
                chat_id INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                sent_at TEXT NOT NULL,
                PRIMARY KEY (chat_id, message_id))""",
        ),
    ),
    Migration(
        7,
        "the durable inbox: every update is stored before Telegram is told it arrived",
        (
            # payload: the update as JSON, encrypted; blanked once it has been handled.
            """CREATE TABLE inbox (
                update_id INTEGER PRIMARY KEY,
                payload TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
                received_at TEXT NOT NULL,
                done_at TEXT)""",
            "CREATE INDEX inbox_state ON inbox(state, update_id)",
        ),
    ),
    Migration(
        8,
        "quarantined updates: kept encrypted and counted, never handled",
        (
            # An update python-telegram-bot cannot parse, as received (encrypted, storage.inbox);
            # reason: the type of the error, never its content. A table of its own: rebuilding
            # inbox for a new state would leave its old pages free inside the file.
            """CREATE TABLE inbox_quarantine (
                update_id INTEGER PRIMARY KEY,
                payload TEXT NOT NULL,
                reason TEXT NOT NULL,
                received_at TEXT NOT NULL,
                quarantined_at TEXT NOT NULL)""",
        ),
    ),
    Migration(
        9,
        "sealed messages: what a proactive message to her says, shown only when she opens it",
        (
            # payload: the message (text and buttons) as JSON, encrypted; the outbox row sent to
            # her chat carries only a neutral preview and a button naming this row.
            """CREATE TABLE sealed_messages (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                referral_id INTEGER REFERENCES referrals(id) ON DELETE SET NULL,
                outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                opened_at TEXT)""",
            "CREATE INDEX sealed_user ON sealed_messages(user_id)",
        ),
    ),
    Migration(
        10,
        "staff version: a counter that changes whenever what the staff accounts cover may change",
        (
            # Read before the staff covers are (storage/caseworkers.py), so a process keeps them
            # cached until this counter moves, whoever changed them (the bot or the command line).
            "CREATE TABLE staff_version (version INTEGER NOT NULL)",
            "INSERT INTO staff_version (version) VALUES (0)",
            """CREATE TRIGGER caseworkers_added AFTER INSERT ON caseworkers BEGIN
                UPDATE staff_version SET version = version + 1;
            END""",
            """CREATE TRIGGER caseworkers_changed
                AFTER UPDATE OF role, regions, services, telegram_id, active ON caseworkers BEGIN
                UPDATE staff_version SET version = version + 1;
            END""",
            """CREATE TRIGGER caseworkers_removed AFTER DELETE ON caseworkers BEGIN
                UPDATE staff_version SET version = version + 1;
            END""",
        ),
    ),
    Migration(
        11,
        "quarantined updates carry a blind index of their sender, so that erasure finds hers",
        (
            # sender: HMAC of the Telegram id the update names (storage/quarantine.py); NULL for a
            # row stored before this step (erasure reads and tags it), "" when it names nobody.
            "ALTER TABLE inbox_quarantine ADD COLUMN sender TEXT",
            "CREATE INDEX inbox_quarantine_sender ON inbox_quarantine(sender)",
            "CREATE INDEX inbox_quarantine_at ON inbox_quarantine(quarantined_at)",
        ),
    ),
    Migration(
        12,
        "staff messages that show a referral's personal content, to clean on erasure",
        (
            """CREATE TABLE staff_messages (
                chat_id INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
                caseworker_id INTEGER REFERENCES caseworkers(id) ON DELETE SET NULL,
                own INTEGER NOT NULL DEFAULT 1,
                sent_at TEXT NOT NULL,
                scrub INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (chat_id, message_id))""",
            "CREATE INDEX staff_messages_referral ON staff_messages(referral_id)",
            "CREATE INDEX staff_messages_scrub ON staff_messages(scrub) WHERE scrub > 0",
            # Notifications sent before this step showed service and region: clean them too.
            """INSERT OR IGNORE INTO staff_messages
                (chat_id, message_id, referral_id, caseworker_id, own, sent_at)
                SELECT chat_id, message_id, referral_id, caseworker_id, 1, sent_at
                FROM notifications""",
        ),
    ),
)


def check_numbering(migrations: Sequence[Migration]) -> None:
    """Refuses a list of steps that is not numbered 1, 2, 3, ... in order, without gaps."""
    numbers = [m.version for m in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"Migrations must be numbered 1, 2, 3, ... in order; got {numbers}.")


async def _version_in(conn: Connection) -> int:
    """The schema version as seen inside the caller's transaction (0 when empty)."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT)"
    )
    async with conn.execute("SELECT MAX(version) FROM schema_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0


async def current_version(db: Database) -> int:
    """Returns the schema version of the database (0 when empty)."""
    async with db.transaction() as conn:
        return await _version_in(conn)


async def migrate(db: Database, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Applies every step newer than the database, each in one transaction; returns the version.

    The version is read again inside each step's write transaction, so two processes opening the
    same file at once (the bot and the command line) never apply a step twice.
    """
    check_numbering(migrations)
    latest = len(migrations)
    while True:
        async with db.transaction() as conn:
            version = await _version_in(conn)
            if version > latest:
                raise SchemaTooNew(
                    f"The database has schema version {version}, newer than this code ({latest}). "
                    "Upgrade Jembatan or restore a matching backup; nothing was changed."
                )
            if version == latest:
                return version
            step = migrations[version]
            for statement in step.statements:
                await conn.execute(statement)
            if step.upgrade is not None:
                await step.upgrade(conn)
            await conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (step.version, db.now()),
            )
