"""Emergency hotlines: the model of one number to call, with the date it was last checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.core.types import Localized


@dataclass(frozen=True, slots=True)
class Hotline:
    """A number to call or write to in an emergency, with the date it was last checked."""

    key: str
    name: Localized
    note: Localized
    phone: str
    whatsapp: str | None
    last_verified: date
    regions: tuple[str, ...]

    def applies_to(self, region_code: str | None) -> bool:
        """Tells whether the hotline serves a kab/kota (national ones serve everyone)."""
        return not self.regions or region_code in self.regions
