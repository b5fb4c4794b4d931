"""Faults a test injects into the bot's requests: error codes, timeouts and latency."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from bot.simulator.errors import ApiError, for_status

TIMEOUT = "timeout"
LATENCY = "latency"


@dataclass
class Fault:
    """One injected fault: which method it hits, what it does and how often."""

    method: str
    error: int | str
    retry_after: int = 1
    times: int | None = 1
    latency: float = 0.0
    hits: int = 0
    until: float | None = None  # time.monotonic() deadline of a fault that lasts a while

    @property
    def active(self) -> bool:
        """Whether the fault still applies to coming requests."""
        if self.until is not None:
            return time.monotonic() < self.until
        return self.times is None or self.hits < self.times

    def matches(self, method: str) -> bool:
        """Whether the fault applies to a request for this method."""
        return self.active and (self.method == "*" or self.method.lower() == method.lower())

    def api_error(self) -> ApiError | None:
        """Returns the error to answer with, or None for a timeout or a pure delay."""
        if isinstance(self.error, int):
            retry_after = self.retry_after
            if self.until is not None:  # "retry after" the rest of the window, as Telegram does
                retry_after = max(1, math.ceil(self.until - time.monotonic()))
            return for_status(self.error, retry_after)
        return None


class FaultPlan:
    """The faults currently injected, applied in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Validates and adds a fault."""
        if isinstance(fault.error, int):
            if not 400 <= fault.error <= 599:
                raise ValueError("an injected error code must be 4xx or 5xx")
        elif fault.error not in (TIMEOUT, LATENCY):
            raise ValueError("an injected error is an HTTP code, 'timeout' or 'latency'")
        if fault.times is not None and fault.times < 1:
            raise ValueError("times must be at least 1, or None for until cleared")
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Removes all faults."""
        self._faults.clear()

    def take(self, method: str) -> Fault | None:
        """Returns the first fault that applies to this method and counts the hit."""
        for fault in self._faults:
            if fault.matches(method):
                fault.hits += 1
                return fault
        return None
