"""The e2e fixtures (a running bot against the simulator) for the fault suite."""

from tests.e2e.conftest import jembatan, sim

__all__ = ["jembatan", "sim"]
