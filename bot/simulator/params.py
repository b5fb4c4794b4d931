"""Request parameters: form values turned into typed values, and typed access for methods."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.simulator.errors import bad_request

SCALARS = frozenset({"Integer", "Float", "Boolean", "True", "String", "InputFile"})
INTEGER = re.compile(r"-?\d+")
TRUE_WORDS = frozenset({"true", "True", "1"})
FALSE_WORDS = frozenset({"false", "False", "0"})

# Without a spec, these parameters are kept as the strings they were sent as.
TEXT_LIKE = frozenset(
    {
        "text",
        "caption",
        "query",
        "quote",
        "title",
        "description",
        "short_description",
        "name",
        "first_name",
        "last_name",
        "phone_number",
        "secret_token",
        "url",
        "callback_query_id",
        "inline_message_id",
        "parse_mode",
        "action",
        "language_code",
        "document",
        "photo",
        "file_id",
        "message_effect_id",
        "business_connection_id",
        "emoji",
        "address",
        "question",
        "explanation",
    }
)

TypesOf = Callable[[str], Sequence[str] | None]


@dataclass(frozen=True)
class Upload:
    """A file sent as a part of a multipart request."""

    filename: str
    content: bytes
    content_type: str


def _coerce_typed(raw: str, types: Sequence[str]) -> Any:
    if "Integer" in types and INTEGER.fullmatch(raw):
        return int(raw)
    if "Float" in types:
        try:
            return float(raw)
        except ValueError:
            pass
    if ("Boolean" in types or "True" in types) and raw in TRUE_WORDS | FALSE_WORDS:
        return raw in TRUE_WORDS
    if any(t not in SCALARS for t in types) and raw[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _coerce_guess(name: str, raw: str) -> Any:
    if name in TEXT_LIKE:
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return raw if isinstance(value, str) else value


def coerce_form(raw: Mapping[str, str | Upload], types_of: TypesOf) -> dict[str, Any]:
    """Turns form-encoded values into typed values, by declared types when known."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, Upload):
            out[name] = value
            continue
        types = types_of(name)
        out[name] = _coerce_typed(value, types) if types else _coerce_guess(name, value)
    return out


class Params:
    """Typed, lenient read access to a request's parameters."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = dict(values)

    def has(self, name: str) -> bool:
        """Whether the parameter was sent."""
        return name in self.values and self.values[name] is not None

    def opt_int(self, name: str) -> int | None:
        """Returns an integer parameter, or None when absent."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise bad_request(f"invalid {name} specified")

    def opt_float(self, name: str) -> float | None:
        """Returns a number parameter, or None when absent."""
        value = self.values.get(name)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def opt_str(self, name: str) -> str | None:
        """Returns a string parameter, or None when absent."""
        value = self.values.get(name)
        if value is None or isinstance(value, Upload):
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | str):
            return str(value)
        raise bad_request(f"invalid {name} specified")

    def opt_bool(self, name: str) -> bool:
        """Returns a boolean parameter, False when absent."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value in TRUE_WORDS
        return bool(value)

    def opt_json(self, name: str) -> Any:
        """Returns an object or array parameter, decoding a JSON string if needed."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def opt_dict(self, name: str) -> dict[str, Any] | None:
        """Returns an object parameter, or None when absent."""
        value = self.opt_json(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def opt_list(self, name: str) -> list[Any] | None:
        """Returns an array parameter, or None when absent."""
        value = self.opt_json(name)
        if value is None:
            return None
        if not isinstance(value, list):
            raise bad_request(f"can't parse {name} JSON array")
        return value

    def opt_upload(self, name: str) -> Upload | None:
        """Returns an uploaded file parameter, or None when it is absent or a string."""
        value = self.values.get(name)
        return value if isinstance(value, Upload) else None

    def chat_ref(self) -> int | str | None:
        """Returns chat_id as an integer id or an @username."""
        value = self.values.get("chat_id")
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip()
            return int(text) if INTEGER.fullmatch(text) else text
        raise bad_request("chat not found")
