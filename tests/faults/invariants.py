"""What must hold after any fault: integrity, confirmed referrals stored, no extra duplicates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bot.core.services import Services
from bot.simulator import BotApiSimulator, SimUser
from tests.auxil.harness import Jembatan

CODE = re.compile(r"Kode Kakak: ([A-Z0-9]{6})")


def confirmed_codes(people: Iterable[SimUser]) -> set[str]:
    """Codes of the referrals the bot confirmed to these people (what they saw)."""
    return {
        match.group(1)
        for person in people
        for message in person.bot_messages
        if (match := CODE.search(message.text or ""))
    }


async def check_storage(services: Services, confirmed: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Integrity, every confirmed referral stored with its consent and its follow-ups."""
    row = await services.db.fetchone("PRAGMA integrity_check")
    assert row is not None and row[0] == "ok", row
    for code in confirmed:
        referral = await services.referrals.by_code(code)
        assert referral is not None, f"confirmed referral {code} is missing"
        consent = await services.db.fetchone(
            "SELECT c.id FROM referrals r JOIN consents c ON c.id = r.consent_id WHERE r.code = ?",
            (code,),
        )
        assert consent is not None, f"referral {code} lost its consent"
        kinds = {f.kind for f in await services.followups.for_referral(referral.id)}
        assert {"claim_reminder", "claim_escalation"} <= kinds, f"{code} lost its follow-ups"


def notifications_per_code(sim: BotApiSimulator, staff: Iterable[SimUser]) -> Counter[str]:
    """How many "new request" notifications each code got, over all staff chats."""
    found: Counter[str] = Counter()
    for person in staff:
        for message in person.bot_messages:
            match = re.search(r"(?:Permintaan baru|New request) ([A-Z0-9]{6})", message.text or "")
            if match:
                found[f"{person.user_id}:{match.group(1)}"] += 1
    return found


async def check_invariants(jembatan: Jembatan, people: Iterable[SimUser] = ()) -> None:
    """The invariants, on the running harness."""
    assert jembatan.services is not None
    await check_storage(jembatan.services, confirmed_codes(people))
