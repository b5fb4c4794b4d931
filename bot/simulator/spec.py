"""Checks bot requests against the machine-readable Bot API specification."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.simulator.params import Upload

ARRAY_OF = "Array of "
MAX_DEPTH = 12


@dataclass(frozen=True)
class SpecField:
    """One parameter of a method, or one field of an object type."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class SpecType:
    """An object type: its fields, or the subtypes it stands for."""

    name: str
    fields: Mapping[str, SpecField]
    subtypes: tuple[str, ...]


def _fields(raw: Any) -> dict[str, SpecField]:
    return {
        f["name"]: SpecField(f["name"], tuple(f.get("types", ())), bool(f.get("required")))
        for f in raw or ()
    }


def _describe(value: Any) -> str:
    if isinstance(value, Upload):
        return "an uploaded file"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    return "null" if value is None else type(value).__name__


class BotApiSpec:
    """The Bot API specification: methods with their parameters, and object types."""

    def __init__(
        self,
        methods: Mapping[str, Mapping[str, SpecField]],
        types: Mapping[str, SpecType],
        returns: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.methods = dict(methods)
        self.types = dict(types)
        self.returns = dict(returns)
        self._by_lower = {name.lower(): name for name in self.methods}

    @classmethod
    def load(cls, path: Path) -> BotApiSpec:
        """Reads the spec JSON from where it lies."""
        data = json.loads(path.read_text(encoding="utf-8"))
        methods = {name: _fields(m.get("fields")) for name, m in data["methods"].items()}
        types = {
            name: SpecType(name, _fields(t.get("fields")), tuple(t.get("subtypes", ())))
            for name, t in data["types"].items()
        }
        returns = {name: tuple(m.get("returns", ())) for name, m in data["methods"].items()}
        return cls(methods, types, returns)

    def method_name(self, name: str) -> str | None:
        """Returns the spec's spelling of a method name (they are case-insensitive)."""
        return self._by_lower.get(name.lower())

    def field_types(self, method: str, name: str) -> tuple[str, ...] | None:
        """Returns the declared types of a method parameter, or None when unknown."""
        field = self.methods.get(method, {}).get(name)
        return field.types if field else None

    def check_request(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """Returns every violation of the spec in one request (empty when it conforms)."""
        fields = self.methods.get(method)
        if fields is None:
            return [f"{method}: unknown method"]
        problems: list[str] = []
        attached = {
            v.removeprefix("attach://") for v in _strings(params.values()) if "attach://" in v
        }
        for name, value in params.items():
            if name not in fields:
                if not (isinstance(value, Upload) and name in attached):
                    problems.append(f"unknown parameter '{name}'")
                continue
            problems += self._check_value(value, fields[name].types, name, 0)
        for field in fields.values():
            if field.required and params.get(field.name) is None:
                problems.append(f"missing required parameter '{field.name}'")
        return [f"{method}: {p}" for p in problems]

    def _check_value(self, value: Any, types: Sequence[str], path: str, depth: int) -> list[str]:
        near: list[list[str]] = []
        for type_name in types:
            problems = self._check_type(value, type_name, path, depth)
            if not problems:
                return []
            if _same_shape(value, type_name):
                near.append(problems)
        if near:
            return min(near, key=len)
        return [f"parameter '{path}' must be {' or '.join(types)}, not {_describe(value)}"]

    def _check_type(self, value: Any, type_name: str, path: str, depth: int) -> list[str]:
        if depth > MAX_DEPTH:
            return []
        if type_name.startswith(ARRAY_OF):
            if not isinstance(value, list):
                return [f"parameter '{path}' must be {type_name}, not {_describe(value)}"]
            inner = type_name.removeprefix(ARRAY_OF)
            problems: list[str] = []
            for index, item in enumerate(value):
                problems += self._check_value(item, (inner,), f"{path}[{index}]", depth + 1)
            return problems
        scalar = _SCALAR_CHECKS.get(type_name)
        if scalar is not None:
            return [] if scalar(value) else [f"parameter '{path}' must be {type_name}"]
        return self._check_object(value, type_name, path, depth)

    def _check_object(self, value: Any, type_name: str, path: str, depth: int) -> list[str]:
        if not isinstance(value, dict):
            return [f"parameter '{path}' must be {type_name}, not {_describe(value)}"]
        spec_type = self.types.get(type_name)
        if spec_type is None:
            return []
        if spec_type.subtypes:
            return self._check_value(value, spec_type.subtypes, path, depth + 1)
        if not spec_type.fields:
            return []
        problems: list[str] = []
        for name, item in value.items():
            field = spec_type.fields.get(name)
            if field is None:
                problems.append(f"parameter '{path}' has unknown field '{name}' for {type_name}")
            else:
                problems += self._check_value(item, field.types, f"{path}.{name}", depth + 1)
        for field in spec_type.fields.values():
            if field.required and value.get(field.name) is None:
                problems.append(f"parameter '{path}' misses required field '{field.name}'")
        return problems


def _strings(values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str)]


def _same_shape(value: Any, type_name: str) -> bool:
    """Whether the value is the array or object the type asks for, if not its content."""
    if type_name.startswith(ARRAY_OF):
        return isinstance(value, list)
    return type_name not in _SCALAR_CHECKS and isinstance(value, dict)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_SCALAR_CHECKS: dict[str, Callable[[Any], bool]] = {
    "Integer": _is_int,
    "Float": lambda v: _is_int(v) or isinstance(v, float),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
    "String": lambda v: isinstance(v, str),
    "InputFile": lambda v: isinstance(v, Upload | str),
}
