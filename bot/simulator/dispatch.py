"""The request pipeline: token, method, spec check, latency, faults, then the method itself."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Mapping
from typing import Any

from bot.simulator.aio import first_of
from bot.simulator.core import TOKEN_FORMAT, ApiCall, Call, Handler, SimCore
from bot.simulator.errors import ApiError, bad_request, not_found, unauthorized
from bot.simulator.faults import TIMEOUT, Fault
from bot.simulator.methods import METHODS, RECEIVING
from bot.simulator.params import Params, Upload, coerce_form

log = logging.getLogger(__name__)

HOLD_LIMIT = 600.0


class Dispatcher:
    """Answers one decoded bot request with (HTTP status, JSON body)."""

    def __init__(self, core: SimCore, methods: Mapping[str, Handler] = METHODS) -> None:
        self._core = core
        self._methods = dict(methods)
        self._by_lower = {name.lower(): name for name in methods}

    async def handle(
        self,
        token: str,
        method: str,
        raw: Mapping[str, Any],
        form: bool,
        closed: asyncio.Event,
    ) -> tuple[int, dict[str, Any]]:
        """Runs a request through the pipeline and returns the response."""
        core = self._core
        if token != core.token:
            error = unauthorized() if TOKEN_FORMAT.fullmatch(token) else not_found()
            return error.code, error.payload()
        name = self._canonical(method)
        values = self._decode(name, raw, form)
        call = ApiCall(name, values, core.clock.now())
        core.calls.append(call)
        try:
            result = await self._run(name, Call(Params(values), closed))
        except ApiError as error:
            return self._failed(call, error)
        except Exception as exc:  # a simulator bug must answer, not hang the bot
            # The traceback without the exception's message, which could hold personal data.
            trace = "".join(traceback.format_tb(exc.__traceback__))
            log.error(
                "simulator failed in %s: %s\n%s", self._loggable(name), type(exc).__name__, trace
            )
            return self._failed(call, ApiError(500, "Internal Server Error"))
        call.status = 200
        return 200, {"ok": True, "result": result}

    def _failed(self, call: ApiCall, error: ApiError) -> tuple[int, dict[str, Any]]:
        call.status, call.description = error.code, error.description
        log.debug("simulated %s answered %d", self._loggable(call.method), error.code)
        return error.code, error.payload()

    def _canonical(self, method: str) -> str:
        known = self._by_lower.get(method.lower())
        if known is None and self._core.spec is not None:
            known = self._core.spec.method_name(method)
        return known or method

    def _loggable(self, name: str) -> str:
        spec = self._core.spec
        known = name in self._methods or (spec is not None and name in spec.methods)
        return name if known else "an unknown method"

    def _decode(self, name: str, raw: Mapping[str, Any], form: bool) -> dict[str, Any]:
        if not form:
            return dict(raw)
        spec = self._core.spec
        form_values: dict[str, str | Upload] = {
            k: v for k, v in raw.items() if isinstance(v, str | Upload)
        }
        return coerce_form(
            form_values, lambda field: spec.field_types(name, field) if spec else None
        )

    async def _run(self, name: str, call: Call) -> Any:
        core = self._core
        violations = core.spec.check_request(name, call.params.values) if core.spec else []
        core.violations.extend(violations)
        if name not in self._methods and (core.spec is None or name not in core.spec.methods):
            raise not_found()
        tracked = name not in RECEIVING
        chat_id = core.chat_of_request(call.params) if tracked else None
        if tracked:
            core.tracker.request_started(chat_id)
        try:
            fault = core.faults.take(name)
            await self._delay(core.latency + (fault.latency if fault else 0.0), call)
            if fault is not None:
                await self._apply(fault, call)
            if violations:
                raise bad_request(violations[0].split(": ", 1)[1])
            return await self._call_method(name, call)
        finally:
            if tracked:
                core.tracker.request_finished(chat_id)

    async def _delay(self, seconds: float, call: Call) -> None:
        if seconds > 0:
            await first_of(call.closed, self._core.stopping, within=seconds)

    async def _apply(self, fault: Fault, call: Call) -> None:
        if fault.error == TIMEOUT:
            await first_of(call.closed, self._core.stopping, within=HOLD_LIMIT)
            raise ApiError(504, "Gateway Timeout")
        error = fault.api_error()
        if error is not None:
            raise error

    async def _call_method(self, name: str, call: Call) -> Any:
        handler = self._methods.get(name)
        if handler is not None:
            return await handler(self._core, call)
        spec = self._core.spec
        if spec is not None and name in spec.methods:
            if spec.returns.get(name) == ("Boolean",):
                return True
            raise bad_request(f"method {name} is not simulated")
        raise not_found()
