"""The simulator's clock: wall time plus however far a test moved it forward."""

from __future__ import annotations

import time
from collections.abc import Callable


class SimClock:
    """Unix time that starts at real time and can be advanced by tests."""

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._offset = 0.0

    def now(self) -> float:
        """Returns the simulated unix time."""
        return self._wall() + self._offset

    def advance(self, seconds: float) -> None:
        """Moves simulated time forward."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._offset += seconds
