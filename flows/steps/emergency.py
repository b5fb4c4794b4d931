"""The emergency screen: whom to call now, from the catalog, with one "checked on" date.

In danger now, the first thing she reads is the line that sends help (110 / 112); then the lines
that refer or listen (SAPA 129 with its WhatsApp for when she cannot speak, SEJIWA), then the date
the numbers were checked. When her own words brought her here she is answered first with one
sentence: strong danger words are thanked, words of suicide get their own opening, weak words
("tolong", "takut") a neutral line. Information lines (Halo Kemenkes) stay off this screen. The
urgent call-back takes three taps from any screen: 🆘, the call-back button, one consent.
"""

from __future__ import annotations

from flows.catalog.hotlines import Hotline
from flows.core.node import (
    BACK,
    Context,
    Node,
    Step,
    back_button,
    back_from_emergency,
    common_action,
    menu_button,
)
from flows.core.types import Bubble, Button, Part, Plain, Screen, Session, Text, t
from flows.steps.danger_lines import (
    EMERGENCY_112,
    POLICE,
    danger_now,
    hotline_text,
    region_lines,
)
from flows.steps.intake import begin

CALLBACK = "callback"
#: The line a person in suicidal crisis is given first.
SUICIDE_FIRST = "sejiwa"


def callback_label() -> Text:
    """The urgent call-back button: it says when caseworkers answer."""
    return t("📞 Ask a caseworker to contact me (office hours)")


def danger_lines(session: Session, ctx: Context) -> tuple[Hotline, ...]:
    """The other numbers for danger in her region; SEJIWA first after words of suicide."""
    found = region_lines(session, ctx)
    if any(h.key == POLICE for h in found):
        found = [h for h in found if h.key not in {POLICE, EMERGENCY_112}]
    if session.param("why") == "suicide":
        found.sort(key=lambda h: h.key != SUICIDE_FIRST)
    return tuple(found)


def acknowledgement() -> Text:
    """The one sentence that answers strong danger words before any number."""
    return t("Thank you for telling me, Kak. Your safety comes first.")


def opening(why: str) -> tuple[Text, ...]:
    """What answers her first, by what brought her here ("" from a button: nothing)."""
    if why == "suicide":
        return (
            t(
                "You are not alone, Kak. If you want to talk now, call 119 and then press 8 "
                "(SEJIWA). If you have hurt yourself or feel you might, call 112 or 110, or go "
                "to the nearest emergency room (IGD)."
            ),
        )
    if why == "danger":
        return (acknowledgement(),)
    if why == "weak":
        return (t("If you are not safe right now, you can call these numbers now."),)
    if why == "alerted":
        return (t("A caseworker has been told."),)
    return ()


def numbers(session: Session, ctx: Context) -> Bubble:
    """The danger-now line, the other lines, and the oldest date they were checked on."""
    parts: list[Part] = []
    now = danger_now(session, ctx)
    if now is not None:
        parts.append(now)
    shown = danger_lines(session, ctx)
    for hotline in shown:
        parts += (*((Plain(""),) if parts else ()), *hotline_text(hotline))
    dates = [h.last_verified for h in region_lines(session, ctx)]
    if session.shared_phone:  # calls show in the phone's call log
        parts += (Plain(""), t("After calling, delete the call from the call history if needed."))
    if dates:
        parts += (Plain(""), t("(Numbers checked {date}.)", date=min(dates)))
    return Bubble(tuple(parts))


def view(session: Session, ctx: Context) -> Screen:
    """Answers her words first, then the danger numbers of her region in one bubble."""
    # Also in the middle of a request: in danger, the call-back comes first (it starts afresh).
    rows: list[tuple[Button, ...]] = [(Button(callback_label(), CALLBACK),)]
    back = session.param("back")
    if back and back not in {"menu", "welcome"}:
        rows.append((back_button(), menu_button()))
    else:
        rows.append((menu_button(),))
    intro = opening(session.param("why"))
    bubbles = ((Bubble(intro),) if intro else ()) + (numbers(session, ctx),)
    return Screen("emergency", bubbles, tuple(rows))


def on_button(session: Session, action: str, ctx: Context) -> Step:
    """Starts an urgent call-back request, or returns to the menu."""
    if action == CALLBACK:
        return begin(session, ctx, service="callback", item="", urgency="urgent", fast="yes")
    if action == BACK:
        return Step(back_from_emergency(session))
    moved = common_action(session, action)
    return Step(moved or session)


NODE = Node(view, on_button)
