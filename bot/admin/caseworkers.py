"""Administrator commands for staff accounts: invite, list, deactivate (all audited)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.config import Settings
from bot.core.routing import covers_of, staffing_warning
from bot.core.services import open_services
from flows.regions import RegionDirectory
from storage.caseworkers import ROLES

INVITE_DAYS = 7


def invite_link(token: str, bot_username: str | None) -> str:
    """The one-time deep link that binds a Telegram account to a staff account."""
    if bot_username:
        return f"https://t.me/{bot_username}?start=inv_{token}"
    return f"/start inv_{token}   (set JEMBATAN_BOT_USERNAME to print a t.me link)"


async def invite(
    settings: Settings, name: str, regions: list[str], services: list[str], role: str, days: int
) -> str:
    """Creates a staff account and returns its one-time invite link."""
    if role not in ROLES:
        raise ValueError(f"--role must be one of: {', '.join(ROLES)}")
    opened = await open_services(settings)
    try:
        unknown = [r for r in regions if not known_coverage(opened.regions, r)]
        if unknown:
            raise ValueError(
                f"unknown region code(s): {', '.join(unknown)} (use kab/kota codes like 35.78,"
                " province codes like 35, or * for the whole country)"
            )
        caseworker_id, token = await opened.caseworkers.invite(
            name, role, regions, services, timedelta(days=days)
        )
        async with opened.db.transaction() as conn:
            await opened.audit.append(
                conn, "admin:cli", "caseworker.invite", f"caseworker:{caseworker_id}", role
            )
    finally:
        await opened.close()
    return invite_link(token, settings.bot_username)


def known_coverage(directory: RegionDirectory, code: str) -> bool:
    """Tells whether --regions names a kab/kota ("35.78"), a province ("35") or "*" (all)."""
    if code == "*":
        return True
    if "." in code:
        return directory.region(code) is not None
    return directory.province(code) is not None


async def list_staff(settings: Settings) -> list[str]:
    """One line per staff account, then a loud line when some requests would reach nobody."""
    opened = await open_services(settings)
    try:
        staff = await opened.caseworkers.all()
    finally:
        await opened.close()
    warning = staffing_warning(covers_of(staff), opened.regions)
    return [
        f"{c.id:4d}  {c.role:10s}  {'active' if c.active else 'deactivated':11s}  "
        f"{'bound' if c.telegram_id else 'invited':7s}  regions={','.join(c.regions)}  "
        f"services={','.join(c.services)}  {c.name}"
        for c in staff
    ] + ([f"WARNING: {warning}"] if warning else [])


async def deactivate(settings: Settings, caseworker_id: int) -> bool:
    """Takes away a staff account's access at once; audited."""
    opened = await open_services(settings)
    try:
        async with opened.db.transaction() as conn:
            done = await opened.caseworkers.deactivate(conn, caseworker_id)
            if done:
                await opened.audit.append(
                    conn, "admin:cli", "caseworker.deactivate", f"caseworker:{caseworker_id}"
                )
    finally:
        await opened.close()
    return done
