"""`/laporan`: the monthly report for supervisors and admins, over the regions they cover (audited).

Called by the desk for an active staff member; anyone else (a caseworker) is left to the desk's
answer for an unknown command, so the command reveals nothing to those who may not use it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Bot

from bot.core.services import Services
from bot.telegram.effects import ChatEffects
from flows.reports import REPORT_ZONE, MonthCounts, report_screen, this_and_last_month
from storage.caseworkers import Caseworker
from storage.reports import ReportRepo

COMMANDS = frozenset({"/laporan", "/report"})
REPORT_ROLES = frozenset({"supervisor", "admin"})


def is_report_command(text: str | None) -> bool:
    """Tells whether a message is the report command (with or without @botname)."""
    return bool(text and text.split() and text.split()[0].split("@")[0] in COMMANDS)


async def show_report(services: Services, bot: Bot, chat_id: int, me: Caseworker) -> bool:
    """Sends this month's and last month's counts; False (nothing sent) if she may not see them."""
    if me.role not in REPORT_ROLES or not me.active:
        return False
    repo = ReportRepo(services.db)
    months: list[MonthCounts] = []
    for month in this_and_last_month(services.clock(), ZoneInfo(REPORT_ZONE)):
        counts = await repo.counts(month.start, month.end, me.regions)
        months.append(
            MonthCounts(
                month=month,
                total=counts.total,
                by_service=counts.by_service,
                by_status=counts.by_status,
                by_outcome=counts.by_outcome,
                by_region=counts.by_region,
            )
        )
    codes = set(me.regions) | {code for m in months for code in m.by_region}
    names = {}
    for code in codes - {"*"}:
        region = services.regions.region(code)
        names[code] = region.name if region else code
    screen = report_screen(tuple(months), me.regions, names)
    periods = " ".join(f"{m.month.year:04d}-{m.month.month:02d}" for m in months)
    async with services.db.transaction() as conn:
        await services.audit.append(
            conn, f"caseworker:{me.id}", "report.view", None, f"{periods} {','.join(me.regions)}"
        )
    await ChatEffects(bot, chat_id, services.catalogs.translator("id"), None).send(screen, None)
    return True
