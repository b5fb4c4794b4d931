"""Her own corrections of her open referrals: nickname (kept encrypted), contact way, safe time."""

from __future__ import annotations

import json

from flows.core.status import OPEN_STATUSES
from storage.connection import Connection
from storage.referrals import PERSONAL_CONTEXT, ReferralRepo

OPEN = tuple(sorted(OPEN_STATUSES))


async def correct_open_referrals(
    conn: Connection,
    referrals: ReferralRepo,
    user_id: int,
    *,
    nickname: str | None = None,
    contact: str | None = None,
    window: str | None = None,
) -> list[str]:
    """Changes answers of her open referrals in the caller's transaction; returns their codes.

    None leaves an answer unchanged; nickname "" removes it, window "" removes the safe time.
    A safe time given alone turns "I will come myself" into contact in this chat.
    """
    marks = ", ".join("?" for _ in OPEN)
    async with conn.execute(
        f"SELECT id, code, personal FROM referrals WHERE user_id = ? AND status IN ({marks})",
        (user_id, *OPEN),
    ) as cursor:
        rows = list(await cursor.fetchall())
    now = referrals.db.now()
    for row in rows:
        if nickname is not None:
            await _set_nickname(conn, referrals, row["id"], row["personal"], nickname)
        if contact is not None:
            await conn.execute(
                "UPDATE referrals SET contact = ? WHERE id = ?", (contact, row["id"])
            )
        if window is not None:
            await conn.execute(
                "UPDATE referrals SET time_window = ?, contact = CASE WHEN ? AND "
                "contact = 'visit' THEN 'chat' ELSE contact END WHERE id = ?",
                (window or None, contact is None and bool(window), row["id"]),
            )
        await conn.execute("UPDATE referrals SET updated_at = ? WHERE id = ?", (now, row["id"]))
    return [str(row["code"]) for row in rows]


async def _set_nickname(
    conn: Connection,
    referrals: ReferralRepo,
    referral_id: int,
    sealed: str | None,
    nickname: str,
) -> None:
    cipher = referrals.cipher
    personal = json.loads(cipher.decrypt(sealed, context=PERSONAL_CONTEXT)) if sealed else {}
    if nickname:
        personal["nickname"] = nickname
    else:
        personal.pop("nickname", None)
    resealed = (
        cipher.encrypt(json.dumps(personal, ensure_ascii=False), context=PERSONAL_CONTEXT)
        if personal
        else None
    )
    await conn.execute("UPDATE referrals SET personal = ? WHERE id = ?", (resealed, referral_id))
