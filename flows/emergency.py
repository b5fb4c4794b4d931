"""The emergency screen: whom to call now, from the catalog, with last-verified dates."""

from __future__ import annotations

from flows.hotlines import Hotline
from flows.intake import begin
from flows.node import (
    BACK,
    Context,
    Node,
    Step,
    back_button,
    back_from_emergency,
    common_action,
    menu_button,
)
from flows.types import Bubble, Button, Plain, Screen, Session, Text, bubble, t

CALLBACK = "callback"


def hotline_text(hotline: Hotline) -> tuple[Text, ...]:
    """The lines that describe one hotline."""
    lines = [t("☎ {name}: {phone}", name=hotline.name, phone=Plain(hotline.phone))]
    if hotline.whatsapp:
        lines.append(t("WhatsApp: {number}", number=Plain(hotline.whatsapp)))
    lines.append(t("{note} (last verified {date})", note=hotline.note, date=hotline.last_verified))
    return tuple(lines)


def view(session: Session, ctx: Context) -> Screen:
    """Lists the hotlines that serve her region, national ones first."""
    hotlines = ctx.catalog.hotlines_for(session.region_code)
    rows: list[tuple[Button, ...]] = []
    if ctx.catalog.office_for(session.region_code) is not None and not session.draft:
        rows.append((Button(t("📞 Ask a caseworker to contact me soon"), CALLBACK),))
    back = session.param("back")
    if back and back not in {"menu", "welcome"}:
        rows.append((back_button(), menu_button()))
    else:
        rows.append((menu_button(),))
    return Screen(
        "emergency",
        (
            bubble(t("If you are in danger now, call or write to one of these numbers:")),
            *(Bubble(hotline_text(h)) for h in hotlines),
        ),
        tuple(rows),
    )


def on_button(session: Session, action: str, ctx: Context) -> Step:
    """Starts an urgent call-back request, or returns to the menu."""
    if action == CALLBACK:
        return begin(session, ctx, service="callback", item="", urgency="urgent")
    if action == BACK:
        return Step(back_from_emergency(session))
    moved = common_action(session, action)
    return Step(moved or session)


NODE = Node(view, on_button)
