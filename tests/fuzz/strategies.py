"""Hypothesis strategies: what people (and forged clients) can send the bot.

A plan is a list of `Act`s. An act names who acts (three people and a caseworker) and what
they do; it is turned into a concrete update only when it runs, against the chat as it is then
(e.g. "press the n-th button of the newest keyboard"), so plans stay meaningful however the
conversation went before.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from tests.auxil.updates import ENTITY_TYPES, GROUP_ONLY_KINDS, MEDIA_KINDS

PEOPLE = 3
CASEWORKER = PEOPLE  # the actor index of the caseworker
ROLES = ("caseworker", "supervisor", "admin")

Entity = tuple[str, int, int]


@dataclass(frozen=True)
class Act:
    """One thing someone does; `n` and `m` pick buttons, messages or variants at run time."""

    kind: str
    actor: int = 0
    text: str = ""
    data: str | None = ""
    n: int = 0
    m: int = 0
    entities: tuple[Entity, ...] = ()
    flag: bool = False

    def __repr__(self) -> str:
        """Only what differs from the defaults, long strings cut (failing plans stay readable)."""
        fields = []
        for name, default in (
            ("actor", 0),
            ("text", ""),
            ("data", ""),
            ("n", 0),
            ("m", 0),
            ("entities", ()),
            ("flag", False),
        ):
            value = getattr(self, name)
            if value != default:
                shown = repr(value)
                if len(shown) > 80:
                    shown = f"{shown[:60]}...({len(value)} long)"
                fields.append(f"{name}={shown}")
        return f"Act({self.kind!r}{''.join(', ' + f for f in fields)})"


# ----------------------------------------------------------------------------- texts

EMOJI = (
    "😀",
    "🆘",
    "🙏🏽",
    "👩🏽‍⚕️",
    "🏳️‍🌈",
    "❤️",
    "🇮🇩",
    "👍🏿",
    "🧕",
    "1️⃣",
    "\U0001fae8",
    "👨‍👩‍👧‍👦",
)
INVISIBLE = (
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u00a0",
    "\u3000",
    "\u3164",
    "\u2800",
    "\u0301",
)
CONTROL = tuple(chr(c) for c in (*range(0x20), 0x7F, 0x85))
#: Words and commands that move the conversation, so that random plans reach deep screens.
WORDS = (
    "/start",
    "/start ",
    "/start inv_forged",
    "/start inv_",
    "/start@jembatan_bot",
    "/start@other_bot x",
    "/START",
    "/menu",
    "/darurat",
    "/emergency",
    "/privasi",
    "/privacy",
    "/bahasa",
    "/language",
    "/wilayah",
    "/region",
    "/permintaan",
    "/requests",
    "/bantuan",
    "/help",
    "/batal",
    "/cancel",
    "/berhenti",
    "/stop",
    "/antrian",
    "/queue",
    "/antrian@jembatan_bot",
    "/laporan",
    "/report",
    "/tidakada",
    "kupang",
    "kupng",
    "Kota Kediri",
    "kediri",
    "jakarta barat",
    "palangka raya",
    "banjarmasin",
    "banjarbaru",
    "aceh",
    "tolong",
    "dipukul",
    "Tolong aku dipukul!!",
    "batal",
    "Batal aja.",
    "gak jadi",
    "berhenti",
    "BERHENTI",
    "pelatihan",
    "modal usaha",
    "kerja",
    "hiv",
    "tes hiv",
    "prep",
    "hamil",
    "kb",
    "bpjs",
    "kis",
    "stres",
    "pulang kampung",
    "pulang",
    "permintaan saya",
    "privasi",
    "menu",
    "bahasa",
    "0812-3456-7890",
    "+62 812 3456 7890",
    "081234567890",
    "6281234567890",
    "0812",
    "+1 202 555 0100",
    "Mawar",
    "Melati 🌸",
    "ya",
    "tidak",
    "1",
    "2",
    "9",
    "halo",
    "K7M4QX",
)

single_char = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(EMOJI),
    st.characters(min_codepoint=0x0590, max_codepoint=0x08FF),  # Hebrew, Arabic, Syriac...
    st.sampled_from(INVISIBLE),
    st.sampled_from(CONTROL),
    st.sampled_from(list("abcdeghiklmnoprstuy /@:_-.!?0123456789")),
)
free_text = st.lists(single_char, min_size=1, max_size=40).map("".join)
rtl_text = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" \u200f"),
    min_size=1,
    max_size=30,
)


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // max(len(unit), 1) + 1))[:size]


long_text = st.builds(
    _repeat,
    st.one_of(free_text, st.sampled_from(WORDS)),
    st.sampled_from([499, 500, 501, 2000, 4095, 4096, 4097, 5000]),
)
words = st.sampled_from(WORDS)
word_mixes = st.builds(
    lambda a, b, c: f"{a}{b}{c}", words, st.sampled_from(["", " ", "\n", *INVISIBLE]), words
)
#: Texts Python's str.split() sees as empty (Telegram drops only some of them).
BLANKS = ("\u3000", "\u00a0", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2003")
blank_text = st.lists(st.sampled_from(BLANKS), min_size=1, max_size=3).map("".join)
texts = st.one_of(words, free_text, word_mixes, rtl_text, long_text, blank_text)

# ----------------------------------------------------------------------------- entities

entity = st.tuples(
    st.sampled_from(ENTITY_TYPES),
    st.one_of(st.integers(0, 8), st.integers(-5, 6000)),
    st.one_of(st.integers(0, 12), st.integers(-5, 6000)),
)
command_at_start = st.tuples(st.just("bot_command"), st.just(0), st.integers(-2, 60))
entities = st.lists(st.one_of(entity, command_at_start), max_size=4).map(tuple)

# ----------------------------------------------------------------------------- callback data

ACTIONS = (
    "menu",
    "sos",
    "exit",
    "back",
    "page:next",
    "page:prev",
    "agree",
    "decline",
    "adult",
    "minor",
    "send",
    "send_urgent",
    "change",
    "summary",
    "cancel",
    "fu_yes",
    "fu_no",
    "mine",
    "chat_any",
    "chat_time",
    "phone",
    "visit",
    "morning",
    "evening",
    "any",
    "skip",
    "alone",
    "shared",
    "lang:en",
    "lang:id",
    "lang:xx",
    "reg:53.71",
    "reg:99.99",
    "prov:53",
    "training",
    "health",
    "going_home",
    "privacy",
    "delete",
    "withdraw",
    "confirm",
    "yes",
    "open",
    "",
)
DESK_VERBS = (
    "claim",
    "open",
    "close",
    "reopen",
    "status:contacted",
    "status:in_progress",
    "status:closed",
    "status:new",
    "status:bogus",
    "outcome:helped",
    "outcome:bogus",
    "note",
    "relay",
    "relay_close",
    "handover",
    "travel",
    "hto:35.71",
    "hto:99.99",
    "hwhy:capacity",
    "hwhy:",
    "queue",
    "page",
    "home",
    "",
)
FIXED_DATA = (
    "exit",
    "sos",
    "menu",
    ":",
    "::",
    "0:",
    ":exit",
    "0:exit",
    "1:exit",
    "-1:exit",
    "00:sos",
    "1:sos",
    "f",
    "f:",
    "f:pause",
    "f:stop",
    "f:1:yes",
    "f:1:help",
    "f:x:y:z",
    "r",
    "r:",
    "r:reply:",
    "r:close:K7M4QX",
    "d",
    "d:",
    "d::",
    "d:claim:",
    "d:open:K7M4QX",
    "d:queue:0",
    "d:queue:-1",
    "d:queue:99999999999999999999",
    "1:" + "x" * 62,
    "\x00",
    "🆘",
)
callback_data = st.one_of(
    st.sampled_from(FIXED_DATA),
    st.text(max_size=64),
    st.builds(
        lambda seq, action: f"{seq}:{action}",
        st.one_of(st.integers(0, 40), st.integers(-3, 10**20)),
        st.one_of(st.sampled_from(ACTIONS), st.text(max_size=12)),
    ),
    st.builds(
        lambda prefix, parts: ":".join((prefix, *parts)),
        st.sampled_from(["f", "r", "d", "F", " d"]),
        st.lists(
            st.one_of(st.sampled_from(DESK_VERBS), st.text(max_size=8), st.integers().map(str)),
            max_size=4,
        ),
    ),
    st.builds(_repeat, st.text(min_size=1, max_size=5), st.integers(65, 5000)),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
)

# ----------------------------------------------------------------------------- acts

#: Button actions that lead deeper (towards a sent request, and a caseworker working it), best
#: first: the "forward" act presses one of these when the newest keyboard has any.
FORWARD = (
    "lang:",
    "prov:53",
    "prov:35",
    "prov:31",
    "prov:62",
    "prov:63",
    "reg:53.71",
    "reg:35.71",
    "reg:35.06",
    "reg:31.73",
    "reg:62.71",
    "reg:63.71",
    "reg:63.72",
    "training",
    "health",
    "home",
    "callback",
    "need:",
    "fac:",
    "prog:",
    "want",
    "help",
    "adult",
    "agree",
    "chat_any",
    "chat_time",
    "phone",
    "visit",
    "morning",
    "midday",
    "evening",
    "skip",
    "alone",
    "shared",
    "send",
    "send_urgent",
    "fu_yes",
    "fu_no",
    "mine",
    "ref:",
    "write",
    "r:reply",
    "f:",
    "d:claim",
    "d:open",
    "d:status:",
    "d:relay",
    "d:note",
    "d:travel",
    "d:close",
    "d:outcome:",
    "d:handover",
    "d:hto:",
    "d:hwhy:",
    "d:reopen",
    # off the main path, chosen less often
    "change",
    "minor",
    "cancel",
    "yes",
    "privacy",
    "see",
    "correct",
    "region",
    "nickname",
    "contact",
    "remove",
    "followups",
    "withdraw",
    "delete",
    "confirm",
    "copy",
)

actors = st.integers(0, CASEWORKER)
someone = st.integers(0, PEOPLE - 1)
recent = st.sampled_from([0, 0, 0, 0, 1, 2, 7])
PRIVATE_OTHER = (
    "block",
    "unblock",
    "reaction",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "business_connection",
    "join_request",
    "inaccessible_callback",
    "game_callback",
    "inline_callback",
    "guest_private",
    "stale_callback",
)
GROUP_KINDS = (
    "text",
    "media",
    "edit",
    "callback",
    "bot_added",
    "bot_removed",
    "member",
    "reaction",
    "reaction_count",
    "join_request",
    "channel_post",
    "channel_media",
    "edited_channel_post",
    "boost",
    "unboost",
    "guest_group",
    "guest_supergroup",
)
CHATLESS = (
    "inline_query",
    "chosen_inline_result",
    "poll",
    "poll_answer",
    "pre_checkout_query",
    "shipping_query",
    "purchased_paid_media",
    "managed_bot",
)


def act(kind: str, **fields: st.SearchStrategy[object]) -> st.SearchStrategy[Act]:
    """An act of one kind by anyone (people and the caseworker)."""
    return st.builds(Act, kind=st.just(kind), actor=fields.pop("actor", actors), **fields)


press = act("press", n=st.integers(0, 40), m=recent)
forward = act("forward", n=st.integers(0, 9))
#: Several forward moves in a row by one person: how random plans reach a sent request.
run = act("run", n=st.integers(1, 16), m=st.integers(0, 31))
acts = st.one_of(  # the first branch is what plans shrink towards: plain button presses
    press,
    forward,
    run,
    press,
    run,
    act("word", text=words),
    act("word", text=words),
    act("text", text=texts, entities=entities),
    act("forge", data=callback_data, n=st.integers(0, 3), m=recent),
    act("forge_seq", data=st.sampled_from(ACTIONS) | st.text(max_size=10), n=st.integers(-2, 2)),
    act(
        "forge_code",
        data=st.sampled_from(["d", "r", "f"]),
        text=st.sampled_from(DESK_VERBS),
        n=st.integers(0, 9),
    ),
    act(
        "media",
        text=st.sampled_from([k for k in MEDIA_KINDS if k not in GROUP_ONLY_KINDS]),
        data=st.none() | texts,
        entities=entities,
    ),
    act(
        "contact",
        flag=st.booleans(),
        text=st.sampled_from(["", "+6281234567890", "081234567890", "+1 202 555 0100", "x"])
        | free_text,
    ),
    act("edit", text=texts),
    act("private", text=st.sampled_from(PRIVATE_OTHER), data=callback_data, n=st.integers(0, 9)),
    act(
        "group",
        actor=someone,
        text=st.sampled_from(GROUP_KINDS),
        data=st.one_of(texts, st.sampled_from(MEDIA_KINDS)),
        entities=entities,
        n=st.integers(0, 9),
    ),
    act("chatless", text=st.sampled_from(CHATLESS), data=texts),
    act("later", actor=st.just(0), n=st.integers(0, 4)),
)
plans = st.lists(acts, min_size=36, max_size=40)
roles = st.sampled_from(ROLES)
