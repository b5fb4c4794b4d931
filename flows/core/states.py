"""Every state of her conversation and its step; the commands and intents that open a state."""

from __future__ import annotations

from flows import followups
from flows.core.node import Node
from flows.core.types import Session
from flows.steps import (
    correct,
    emergency,
    going_home,
    health,
    intake,
    menu,
    my_referrals,
    other_help,
    privacy,
    region,
    relay,
    training,
    welcome,
    withdraw,
)
from flows.steps.keywords import Intent

NODES: dict[str, Node] = {
    "welcome": welcome.NODE,
    "region_province": region.PROVINCE,
    "region_regency": region.REGENCY,
    "region_choose": region.CHOOSE,
    "menu": menu.MENU_NODE,
    "language": menu.LANGUAGE,
    **privacy.NODES,
    **correct.NODES,
    "emergency": emergency.NODE,
    "training": training.LIST,
    "programme": training.PROGRAMME,
    "health": health.NEEDS,
    "facilities": health.FACILITIES,
    "facility": health.FACILITY,
    "going_home": going_home.SUPPORT,
    "going_home_plan": going_home.PLAN,
    "other_help": other_help.NODE,
    "intake_consent": intake.CONSENT,
    "intake_age": intake.AGE,
    "child_protection": intake.CHILD,
    "intake_contact": intake.CONTACT,
    "intake_window": intake.WINDOW,
    "intake_phone": intake.PHONE,
    "intake_nickname": intake.NICKNAME,
    "intake_shared": intake.SHARED,
    "intake_summary": intake.SUMMARY,
    "intake_urgent": intake.URGENT,
    "intake_change": intake.CHANGE,
    "referral_done": intake.DONE,
    "my_referrals": my_referrals.LIST,
    "referral": my_referrals.REFERRAL,
    "referral_cancel": my_referrals.CANCEL,
    "relay_compose": relay.COMPOSE,
    "followup_done": followups.DONE,
    "followup_more": followups.MORE,
    "privacy_followups": followups.REMINDERS,
    "privacy_withdraw": withdraw.WITHDRAW,
    "privacy_delete": withdraw.DELETE,
    "deleted": withdraw.DELETED,
}

COMMANDS: dict[str, str] = {
    "start": "welcome",
    "menu": "menu",
    "darurat": "emergency",
    "emergency": "emergency",
    "privasi": "privacy",
    "privacy": "privacy",
    "bahasa": "language",
    "language": "language",
    "wilayah": "region_province",
    "region": "region_province",
    "permintaan": "my_referrals",
    "requests": "my_referrals",
    "bantuan": "menu",
    "help": "menu",
}

INTENTS: dict[Intent, tuple[str, dict[str, str]]] = {
    Intent.EMERGENCY: ("emergency", {}),
    Intent.TRAINING: ("training", {}),
    Intent.CAPITAL: ("training", {"kind": "livelihood"}),
    Intent.HEALTH: ("health", {}),
    Intent.HIV_IMS: ("facilities", {"need": "hiv_ims"}),
    Intent.PREP: ("facilities", {"need": "prep"}),
    Intent.MENTAL: ("facilities", {"need": "mental"}),
    Intent.PREGNANCY: ("facilities", {"need": "pregnancy_fp"}),
    Intent.BPJS: ("facilities", {"need": "bpjs"}),
    Intent.GOING_HOME: ("going_home", {}),
    Intent.MY_REFERRALS: ("my_referrals", {}),
    Intent.PRIVACY: ("privacy", {}),
    Intent.MENU: ("menu", {}),
}


def node_of(session: Session) -> Node:
    """Returns the node of the session's state (the welcome if the state is unknown)."""
    return NODES.get(session.state, NODES["welcome"])
