"""Seeds many referrals with due follow-ups straight into storage (faster than conversations)."""

from __future__ import annotations

from datetime import datetime

from bot.core.services import Services
from flows.regions import REGION_CODE_SYSTEM
from storage.referrals import NewReferral

KEDIRI = "35.71"


async def due_check_ins(
    services: Services, telegram_ids: list[int], due: datetime, region: str = KEDIRI
) -> list[int]:
    """For each person: a consented referral, check-ins on, a contact check due at `due`."""
    ids: list[int] = []
    for n, telegram_id in enumerate(telegram_ids):
        user = await services.users.get_or_create(telegram_id)
        async with services.db.transaction() as conn:
            await services.users.save_profile(conn, user.id, "id", region, False)
            consent = await services.consents.record(conn, user.id, "referral", "v", "id")
            await services.consents.record(conn, user.id, "followups", "v", "id")
            await services.users.set_followups(conn, user.id, "on")
            referral_id = await services.referrals.create(
                conn,
                NewReferral(
                    code=f"S{n:05d}",
                    user_id=user.id,
                    service="training",
                    item="",
                    region_code=region,
                    region_system=REGION_CODE_SYSTEM,
                    office_key="seed",
                    answers={"contact": "chat", "window": "any"},
                    consent_id=consent,
                ),
                "seed",
            )
            await services.followups.schedule(
                conn, "contact_check", referral_id, user.id, due, due.replace(year=due.year + 1)
            )
        ids.append(user.id)
    return ids
