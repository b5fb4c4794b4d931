"""What catalog validation reports: one error per problem, each naming its file and line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CatalogError:
    """One problem in the catalog files, shown as ``file:line: message``."""

    file: str
    line: int
    message: str
    #: A programme that is over: `catalog check` reports it; the running bot just hides it.
    ended: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CatalogInvalid(ValueError):
    """The catalog has errors; ``errors`` lists all of them."""

    def __init__(self, errors: Sequence[CatalogError]) -> None:
        self.errors: tuple[CatalogError, ...] = tuple(errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"the service catalog has {len(self.errors)} error(s):\n{lines}")
