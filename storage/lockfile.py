"""Advisory locks on files beside the database: one bot per database, no backup during a rotation.

An OS-level lock (`fcntl.flock`) on a small file, held through an open descriptor for as long as
the holder needs it. The kernel drops it when the descriptor closes, also when the process dies
(SIGKILL included), so a crashed holder never blocks the next one and there is no stale lock to
clean up. The lock file itself stays (mode 0600); it holds nothing but the pid of the last
exclusive holder while it holds it, used only to name it in a refusal.

- `bot.lock`: held exclusively by `python -m bot run` for its whole life. A second bot on the
  same database would send every notification in flight twice; it is refused. The administrator's
  commands (backup, erase, export, rotate-key...) do not take it: they work while the bot runs.
- `rotation.lock`: held exclusively by `rotate-key`, shared by `backup`. A backup taken during a
  rotation would hold values under two keys while naming one; each refuses while the other runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from storage.folders import make_private_dir

BOT = "bot"
ROTATION = "rotation"


class LockHeld(Exception):
    """Another process holds the lock; `pid` names it when it is known."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path} is locked" + (f" by process {pid}" if pid else ""))
        self.path = path
        self.pid = pid


def lock_path(database: Path, name: str) -> Path:
    """The lock file `name` beside a database file (e.g. jembatan.sqlite3.bot.lock)."""
    return database.with_name(f"{database.name}.{name}.lock")


@contextlib.contextmanager
def holding(path: Path, *, shared: bool = False) -> Iterator[None]:
    """Holds the lock at `path` (exclusive, or shared) until the block ends; LockHeld if taken."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(path, _holder(fd)) from None
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            if not shared:
                os.ftruncate(fd, 0)  # still held: nobody reads the pid of a process gone
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> int | None:
    """The pid the lock file names, if it names one."""
    text = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    return int(text) if text.isdigit() else None
