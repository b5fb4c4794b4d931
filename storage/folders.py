"""Folders for her data: every one created here is readable by this user only (0700)."""

from __future__ import annotations

from pathlib import Path

PRIVATE = 0o700


def make_private_dir(path: Path) -> None:
    """Creates a folder and any missing parents, each 0700 whatever the umask; keeps existing."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE)
        except FileExistsError:  # made meanwhile by another process: leave it as it is
            continue
        folder.chmod(PRIVATE)
