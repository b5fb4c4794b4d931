"""Privacy and her data: see, copy, wipe this chat, and the shared-phone mode.

Correcting her region, nickname or contact choice is in flows/steps/correct.py.

Seeing and copying her data need decrypted values the flows never hold, so those steps only ask
the host (ShowMyData, SendMyDataCopy). Wiping the chat asks the host to delete what Telegram
still lets it delete (DeleteMessages) and leaves one neutral message ("cleared"). The quick-exit
button does the same in one tap from every sensitive screen.
"""

from __future__ import annotations

from dataclasses import replace

from flows.core.effects import (
    DeleteMessages,
    ForgetSealed,
    SendMyDataCopy,
    ShowMyData,
)
from flows.core.node import (
    BACK,
    QUICK_EXIT,
    Context,
    Node,
    Step,
    back_button,
    common_action,
    goto,
    menu_button,
    quick_exit_button,
    wipe_reminder,
)
from flows.core.texts import erase_chat_hint
from flows.core.types import Button, Screen, Session, bubble, t

#: Screens that show what she asks for or about; each carries the quick-exit button.
SENSITIVE_STATES = frozenset(
    {
        "child_protection",
        "referral_done",
        "my_referrals",
        "referral",
        "referral_cancel",
        "relay_compose",
        "emergency",
        "facilities",
        "facility",
        "going_home_plan",
        "privacy_data",
        "privacy_copy",
    }
)
#: Leaving these for another screen on a shared phone brings the reminder to wipe the chat.
REMIND_WHEN_LEAVING = frozenset(
    {"my_referrals", "referral", "referral_cancel", "relay_compose", "privacy_data"}
)
NO_REMINDER_TO = frozenset({"cleared", "emergency", "privacy_wipe"})
# The entries the follow-up, withdrawal and erasure steps answer (registered elsewhere).
LATER_ENTRIES = {
    "followups": "privacy_followups",
    "withdraw": "privacy_withdraw",
    "delete": "privacy_delete",
}


def shows_quick_exit(state: str) -> bool:
    """Tells whether a screen is sensitive enough to carry the quick-exit button."""
    return state.startswith("intake_") or state in SENSITIVE_STATES


def with_quick_exit(session: Session, screen: Screen) -> Screen:
    """Adds the quick-exit row to a sensitive screen (unless it already has one)."""
    if not shows_quick_exit(session.state) or QUICK_EXIT in screen.actions():
        return screen
    return replace(screen, keyboard=(*screen.keyboard, (quick_exit_button(),)))


def remind_on_leaving(before: Session, after: Session, screen: Screen) -> Screen:
    """On a shared phone, leaving her requests adds the wipe reminder and its 🧹 button."""
    leaving = before.state in REMIND_WHEN_LEAVING and after.state not in REMIND_WHEN_LEAVING
    if not (after.shared_phone and leaving) or after.state in NO_REMINDER_TO:
        return screen
    if QUICK_EXIT in screen.actions():
        return replace(screen, bubbles=(bubble(wipe_reminder()), *screen.bubbles))
    row = (quick_exit_button(t("🧹 Delete this chat")),)
    return replace(
        screen,
        bubbles=(bubble(wipe_reminder()), *screen.bubbles),
        keyboard=(*screen.keyboard, row),
    )


def cleared(session: Session) -> Session:
    """The neutral state after a wipe: no request draft, nothing on screen but a greeting."""
    return replace(goto(session, "cleared"), draft=())


def wiped(session: Session) -> Step:
    """Wipes the chat, kills every preview left in it, and leaves only the neutral message."""
    return Step(cleared(session), effects=(DeleteMessages(), ForgetSealed()))


# ----------------------------------------------------------------------------- the menu


def shared_label(session: Session) -> Button:
    """The shared-phone switch, showing its current setting."""
    label = t("📱 Shared phone: yes") if session.shared_phone else t("📱 Shared phone: no")
    return Button(label, "shared")


def view_menu(session: Session, ctx: Context) -> Screen:
    """Says who sees what in short, then offers what she can do with her data."""
    rows: list[tuple[Button, ...]] = [
        (Button(t("👁 My data"), "see"), Button(t("📄 Send me a copy"), "copy")),
        (Button(t("✏️ Correct my data"), "correct"), Button(t("🧹 Delete this chat"), "wipe")),
        (shared_label(session),),
    ]
    if ctx.referrals:
        rows.append(
            (
                Button(t("🔔 Check-ins"), "followups"),
                Button(t("✋ Withdraw consent"), "withdraw"),
            )
        )
    rows.append((Button(t("🗑 Delete all my data"), "delete"),))
    rows.append((menu_button(),))
    return Screen(
        "privacy",
        (
            bubble(
                t(
                    "What Jembatan keeps: your Telegram account number, your language and your "
                    "region. Nothing else, unless you ask for help and agree to share more."
                )
            ),
            bubble(
                t(
                    "Who can see it: the Dinas Sosial staff who run Jembatan and, for a request "
                    "you send, the office it goes to. Nothing goes to the police or Satpol PP "
                    "unless you ask for it or a court orders it."
                )
            ),
            bubble(
                t(
                    "The limits: Telegram keeps this chat on its servers, and anyone who holds "
                    "your phone can open it."
                ),
                erase_chat_hint(),
            ),
            bubble(t("What would you like to do?")),
        ),
        tuple(rows),
    )


def on_button_menu(session: Session, action: str, ctx: Context) -> Step:
    """Opens an entry of the privacy menu, or switches the shared-phone mode."""
    if action == "see":
        return Step(goto(session, "privacy_data"), effects=(ShowMyData(),))
    if action == "copy":
        return Step(goto(session, "privacy_copy"), effects=(SendMyDataCopy(),))
    if action == "correct":
        return Step(goto(session, "privacy_correct"))
    if action == "wipe":
        return Step(goto(session, "privacy_wipe"))
    if action == "shared":
        return switch_shared(session)
    if action in LATER_ENTRIES:
        return Step(goto(session, LATER_ENTRIES[action]))
    return Step(common_action(session, action) or session)


def switch_shared(session: Session) -> Step:
    """Turns the shared-phone mode on or off and says what it does."""
    on = not session.shared_phone
    notice = (
        t(
            "Shared-phone mode is on: my messages cannot be forwarded or saved, they stay "
            "neutral, and I will remind you to delete this chat."
        )
        if on
        else t("Shared-phone mode is off.")
    )
    return Step(replace(session, shared_phone=on), notices=(bubble(notice),))


# ----------------------------------------------------------------------------- see and copy


def view_data(session: Session, ctx: Context) -> Screen:
    """Follows her data (sent by the host just before) with what she can do next."""
    return Screen(
        "privacy_data",
        (bubble(t("That is everything. Is something wrong? You can correct it.")),),
        (
            (Button(t("✏️ Correct my data"), "correct"), Button(t("📄 Send me a copy"), "copy")),
            (back_button(), menu_button()),
        ),
    )


def on_button_data(session: Session, action: str, ctx: Context) -> Step:
    """Corrects, copies, or goes back to the privacy menu."""
    if action in {"correct", "copy"}:
        return on_button_menu(goto(session, "privacy"), action, ctx)
    return back_to_menu(session, action)


def view_copy(session: Session, ctx: Context) -> Screen:
    """Says what the files are and that anyone holding the phone can open them."""
    return Screen(
        "privacy_copy",
        (
            bubble(
                t(
                    "Above is a copy of your data: one file to read, one for computers. "
                    "Anyone who holds this phone can open them."
                )
            ),
        ),
        ((back_button(), menu_button()),),
    )


def back_to_menu(session: Session, action: str) -> Step:
    """Back goes to the privacy menu; any other action is a common one (menu, quick exit)."""
    if action == BACK:
        return Step(goto(session, "privacy"))
    return Step(common_action(session, action) or session)


def on_button_copy(session: Session, action: str, ctx: Context) -> Step:
    """Goes back to the privacy menu."""
    return back_to_menu(session, action)


# ----------------------------------------------------------------------------- wipe


def view_wipe(session: Session, ctx: Context) -> Screen:
    """Says what wiping the chat does and asks her to confirm."""
    return Screen(
        "privacy_wipe",
        (
            bubble(t("Older messages only you can delete:"), erase_chat_hint()),
            bubble(
                t(
                    "Delete this chat? I will delete the messages of the last 48 hours, yours "
                    "and mine. Your requests and settings stay saved."
                )
            ),
        ),
        ((Button(t("🧹 Yes, delete"), "wipe"), Button(t("No"), BACK)),),
    )


def on_button_wipe(session: Session, action: str, ctx: Context) -> Step:
    """Wipes the chat, or goes back to the privacy menu."""
    if action == "wipe":
        return wiped(session)
    return back_to_menu(session, action)


def view_cleared(session: Session, ctx: Context) -> Screen:
    """The one message left after a wipe: a greeting that reveals nothing."""
    return Screen(
        "cleared",
        (bubble(t("Hello 👋 Send any message when you want to continue.")),),
        remove_contact_button=True,
    )


def on_button_cleared(session: Session, action: str, ctx: Context) -> Step:
    """The neutral screen has no buttons."""
    return Step(session)


def on_text_cleared(session: Session, text: str, ctx: Context) -> Step:
    """Any message after a wipe brings the menu back."""
    return Step(goto(session, "menu"))


MENU = Node(view_menu, on_button_menu)
DATA = Node(view_data, on_button_data)
COPY = Node(view_copy, on_button_copy)
WIPE = Node(view_wipe, on_button_wipe)
CLEARED = Node(view_cleared, on_button_cleared, on_text_cleared)
NODES = {
    "privacy": MENU,
    "privacy_data": DATA,
    "privacy_copy": COPY,
    "privacy_wipe": WIPE,
    "cleared": CLEARED,
}
