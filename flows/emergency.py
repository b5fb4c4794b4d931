"""The emergency screen: whom to call now, from the catalog, with last-verified dates.

When her own words brought her here (danger words, or words of suicide), she is answered first
with one sentence; then the numbers follow in one bubble, SEJIWA first for words of suicide.
Information lines (Halo Kemenkes) are not danger lines and stay off this screen. From here an
urgent call-back takes three taps: the button, her age, one short consent.
"""

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
from flows.types import Bubble, Button, Part, Plain, Screen, Session, Text, t

CALLBACK = "callback"
#: Information lines, not for danger: shown elsewhere, never on this screen.
NOT_FOR_DANGER = frozenset({"halo-kemenkes"})
#: The line a person in suicidal crisis is given first.
SUICIDE_FIRST = "sejiwa"


def hotline_text(hotline: Hotline) -> tuple[Text, ...]:
    """The lines that describe one hotline."""
    lines = [t("☎ {name}: {phone}", name=hotline.name, phone=Plain(hotline.phone))]
    if hotline.whatsapp:
        lines.append(t("WhatsApp: {number}", number=Plain(hotline.whatsapp)))
    lines.append(t("{note} (last verified {date})", note=hotline.note, date=hotline.last_verified))
    return tuple(lines)


def danger_lines(session: Session, ctx: Context) -> tuple[Hotline, ...]:
    """The numbers for danger in her region, national first; SEJIWA first after suicide words."""
    found = [
        h for h in ctx.catalog.hotlines_for(session.region_code) if h.key not in NOT_FOR_DANGER
    ]
    if session.param("why") == "suicide":
        found.sort(key=lambda h: h.key != SUICIDE_FIRST)
    return tuple(found)


def acknowledgement() -> Text:
    """The one sentence that answers her words before any number."""
    return t("Thank you for telling me, Kak. Your safety comes first.")


def view(session: Session, ctx: Context) -> Screen:
    """Answers her words first, then lists the danger numbers of her region in one bubble."""
    rows: list[tuple[Button, ...]] = []
    if ctx.catalog.office_for(session.region_code) is not None and not session.draft:
        rows.append((Button(t("📞 Ask a caseworker to contact me soon"), CALLBACK),))
    back = session.param("back")
    if back and back not in {"menu", "welcome"}:
        rows.append((back_button(), menu_button()))
    else:
        rows.append((menu_button(),))
    intro: list[Text] = [acknowledgement()] if session.param("why") else []
    intro.append(t("If you are in danger now, call or write to one of these numbers:"))
    numbers: list[Part] = []
    for hotline in danger_lines(session, ctx):
        numbers += (*((Plain(""),) if numbers else ()), *hotline_text(hotline))
    return Screen("emergency", (Bubble(tuple(intro)), Bubble(tuple(numbers))), tuple(rows))


def on_button(session: Session, action: str, ctx: Context) -> Step:
    """Starts an urgent call-back request, or returns to the menu."""
    if action == CALLBACK:
        return begin(session, ctx, service="callback", item="", urgency="urgent", fast="yes")
    if action == BACK:
        return Step(back_from_emergency(session))
    moved = common_action(session, action)
    return Step(moved or session)


NODE = Node(view, on_button)
