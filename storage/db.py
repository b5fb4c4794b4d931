"""The SQLite connections: WAL, foreign keys, a busy timeout, migrations, and serialised access.

A Database owns the one writing sqlite3 connection (storage/connection.py gives it an async face)
and a database thread that runs its own event loop. Work reaches the writer in two ways:

- `run(fn, *args)`: the async function `fn` runs as ONE job: its reads and its transaction
  execute synchronously, one after the other, and never suspend. When nobody holds the gate
  (storage/gate.py) the job runs at once where it was asked for, with no thread hop; otherwise
  it is handed to the database thread and waits there for the gate (one hop). Inside a job,
  `transaction()`, `read()`, `fetchone()` and `fetchall()` act directly on the writer, and a
  repository read sees the job's own uncommitted writes. `run_there()` always uses the thread
  (long work: a backup, a truncating checkpoint).
- From the main event loop, `transaction()` for writes (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on
  any exception), `read()` for several reads that must agree: the caller takes the main-side turn
  and each statement is one hop. A turn is held by the task that took it and by the tasks it
  starts inside it (a context variable marks it), so repository reads made inside a transaction
  see its own writes, while other coroutines wait and never see uncommitted data.

Jobs and main-loop turns share the gate: one holder at a time, so no job runs between the
statements of a turn. A task holding a main-loop turn that calls `run()` runs the function inside
its turn.

Why a job runs where it was asked when it can: its SQLite work is a fraction of a millisecond,
while a hop costs a wait for the other thread and then a wait for the event loop to pick up the
result behind every other ready task. Such a job never waits for another process's write lock
(storage/connection.py hands that statement to the thread), and the writer never checkpoints at a
commit: the checkpointer copies the WAL on the database thread every second.

`fetchone()`/`fetchall()` from the main loop outside any turn go to a second, read-only
connection (`PRAGMA query_only`), at once when it is free, else on its own thread, so look-ups
never wait for the writer. Each such query is its own read transaction, so it sees everything
committed before it started.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from storage.connection import Connection, Row
from storage.folders import make_private_dir
from storage.gate import Gate
from storage.migrations import MIGRATIONS, Migration, migrate

Clock = Callable[[], datetime]
P = ParamSpec("P")
T = TypeVar("T")
PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA secure_delete=ON",  # erased values are zeroed on disk (storage/erasure.py)
)
READER_PRAGMAS = (*PRAGMAS, "PRAGMA query_only=ON")
# The writer never checkpoints at a commit (a commit may run on the main loop, and a checkpoint
# syncs the disk): the checkpointer does it on the database thread, every CHECKPOINT_SECONDS.
WRITER_PRAGMAS = (*PRAGMAS, "PRAGMA wal_autocheckpoint=0")
CHECKPOINT_SECONDS = 1.0

# Which databases (by id) the current task holds a turn on. Not a connection: only a marker.
_HOLDING: ContextVar[frozenset[int]] = ContextVar("jembatan_db_holding", default=frozenset())
# Which databases (by id) the current task runs a job on right where it is (no thread hop).
_HERE: ContextVar[frozenset[int]] = ContextVar("jembatan_db_here", default=frozenset())


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """Stores a time as ISO-8601 UTC text (sortable as text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(value: str) -> datetime:
    """Reads a stored time."""
    return datetime.fromisoformat(value)


class NestedTransaction(RuntimeError):
    """A task asked for a transaction while already inside one on the same database."""


def _connect(path: Path) -> sqlite3.Connection:
    """Opens the writing connection (on the database thread): WAL and the per-connection PRAGMAs."""
    # Used by one thread at a time: the database thread, or a job run where it was asked for
    # while it holds the gate (storage/gate.py).
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        raw.row_factory = sqlite3.Row
        row = raw.execute("PRAGMA journal_mode=WAL").fetchone()
        mode = str(row[0]).lower() if row is not None else "?"
        if mode != "wal":
            raise RuntimeError(
                f"SQLite would not use WAL journaling (it reports {mode!r}); "
                "keep the database on a local disk."
            )
        for pragma in WRITER_PRAGMAS:
            raw.execute(pragma)
    except BaseException:
        raw.close()
        raise
    return raw


class _Checkpointer:
    """Copies the WAL into the database file now and then, from a connection of its own.

    It runs on the database loop; a PASSIVE checkpoint never waits for, nor blocks, the writer or
    the readers. `last` is what SQLite answered the last time: (busy, WAL frames, frames copied).
    """

    def __init__(self, path: Path, loop: asyncio.AbstractEventLoop) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None)  # made on the database thread
        self._loop = loop
        self._timer: asyncio.TimerHandle | None = loop.call_later(CHECKPOINT_SECONDS, self._tick)
        self.runs = 0
        self.last: tuple[int, int, int] | None = None

    def _tick(self) -> None:
        try:
            row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.last = (int(row[0]), int(row[1]), int(row[2])) if row is not None else None
        except sqlite3.Error:
            self.last = None  # tried again at the next tick
        self.runs += 1
        self._timer = self._loop.call_later(CHECKPOINT_SECONDS, self._tick)

    def close(self) -> None:
        """Stops the ticks and closes the connection (on the database thread)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._conn.close()


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], one: bool) -> list[Row]:
    """Runs a query and returns its rows (the first only when `one`), its statement ended."""
    cursor = conn.execute(sql, params)
    try:
        if one:
            row = cursor.fetchone()
            return [] if row is None else [row]
        return list(cursor.fetchall())
    finally:
        cursor.close()


class _Worker:
    """A thread running its own event loop: the database thread."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    def here(self) -> bool:
        """Whether the caller runs on this thread."""
        return threading.get_ident() == self._thread.ident

    def stop(self) -> None:
        """Ends the loop and waits for the thread."""
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()


class _Reader:
    """The read-only connection: look-ups that need no turn, at once or on a thread of its own.

    A look-up runs at once on the caller's thread when the connection is free (a read in WAL
    mode never waits for a writer), else on the reader's thread. A lock keeps it to one thread
    at a time.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="jembatan-db-read")
        self._conn: sqlite3.Connection | None = None
        self._using = threading.Lock()  # held while a statement runs on the connection

    def _open(self, path: Path) -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        for pragma in READER_PRAGMAS:
            conn.execute(pragma)
        self._conn = conn

    def _query(self, sql: str, params: tuple[Any, ...], one: bool) -> list[Row]:
        with self._using:
            assert self._conn is not None
            return _rows(self._conn, sql, params, one)

    def _close(self) -> None:
        with self._using:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    async def open(self, path: Path) -> None:
        """Opens the connection on the reader's thread."""
        await asyncio.get_running_loop().run_in_executor(self._pool, self._open, path)

    async def query(self, sql: str, params: tuple[Any, ...], one: bool) -> list[Row]:
        """Runs one query, at once if the connection is free (one row at most when `one`)."""
        if self._conn is not None and self._using.acquire(blocking=False):
            try:
                return _rows(self._conn, sql, params, one)
            finally:
                self._using.release()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._query, sql, params, one)

    async def close(self) -> None:
        """Closes the connection and ends the thread."""
        await asyncio.get_running_loop().run_in_executor(self._pool, self._close)
        self._pool.shutdown(wait=True)


class Database:
    """The writing connection on its database thread (jobs via run()), and a read connection."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.hops = 0  # how many pieces of work were handed to the database thread (for tests)
        self.jobs = 0  # how many jobs ran, there or where they were asked for (for tests)
        self._worker = _Worker("jembatan-db")
        self._lock = asyncio.Lock()  # the main-side turn
        self._gate = Gate(self._worker.loop)  # one job or main-loop turn at a time
        self._reader: _Reader | None = None
        self._conn: Connection | None = None
        self.checkpointer: _Checkpointer | None = None

    @property
    def conn(self) -> Connection:
        """The writing connection (its statements hop to the database thread when needed)."""
        assert self._conn is not None, "the database is not open"
        return self._conn

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        clock: Clock = utc_now,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> Database:
        """Opens (creating if needed) the database and brings its schema up to date."""
        make_private_dir(path.parent)
        # A new file is readable by this user only; SQLite gives its -wal and -shm the same mode.
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        db = cls(path, clock)
        try:
            raw = await db._submit(lambda: _sync(_connect, path), serial=False)
            db._conn = Connection(raw, db.in_job, db._hop, db._here)
            db.checkpointer = await db._submit(db._start_checkpoints, serial=False)
            await migrate(db, migrations)
            reader = _Reader()
            db._reader = reader
            await reader.open(path)
        except BaseException:
            await db._shutdown()
            raise
        return db

    async def _start_checkpoints(self) -> _Checkpointer:
        """Opens the checkpointer's connection on the database thread and starts its ticks."""
        return _Checkpointer(self.path, self._worker.loop)

    async def close(self) -> None:
        """Waits for a transaction in flight, then closes both connections (checkpointing)."""
        async with self._turn():
            await self._shutdown()

    async def _shutdown(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            await reader.close()
        checkpointer, self.checkpointer = self.checkpointer, None
        if checkpointer is not None:
            await self._submit(lambda: _sync(checkpointer.close), serial=False)
        conn, self._conn = self._conn, None
        if conn is not None:
            await self._submit(lambda: _sync(conn.raw.close), serial=False)
        self._worker.stop()

    def now(self) -> str:
        """The current time as stored text."""
        return to_text(self.clock())

    # ------------------------------------------------------------------ the database thread

    def in_job(self) -> bool:
        """Whether the caller runs inside a job (on the database thread, or where it was asked)."""
        return self._worker.here() or id(self) in _HERE.get()

    def _here(self) -> bool:
        """Whether the caller runs a job right where it was asked for, off the database thread."""
        return id(self) in _HERE.get() and not self._worker.here()

    async def _serial(self, job: Callable[[], Awaitable[T]]) -> T:
        """Runs on the database loop: a job, once no other job or main-loop turn holds the gate."""
        await self._gate.take()
        try:
            return await job()
        finally:
            self._gate.let_go()

    async def _run_here(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Runs a job on the caller's thread, its gate already taken with try_take."""
        token = _HERE.set(_HERE.get() | {id(self)})
        try:
            return await fn()
        finally:
            _HERE.reset(token)
            self._gate.let_go_here()

    def _may_run_here(self) -> bool:
        """Whether a job asked for now may run at once where it is (the gate is free)."""
        return self._conn is not None and not self._worker.here() and self._gate.try_take()

    async def _submit(self, job: Callable[[], Awaitable[T]], *, serial: bool = True) -> T:
        """Hands work to the database thread and awaits its result (one hop).

        A job waits for the gate on the database loop itself, so jobs queue there and the main
        loop is woken once, with the result. `serial=False` is for the statements of the
        main-loop turn that already holds the gate.
        """
        self.hops += 1
        work = self._serial(job) if serial else _plain(job)
        future = asyncio.run_coroutine_threadsafe(work, self._worker.loop)
        return await asyncio.wrap_future(future)

    async def _hop(self, fn: Callable[[], T]) -> T:
        """Runs a plain function on the database thread (one statement of a main-loop turn)."""
        return await self._submit(lambda: _sync(fn), serial=False)

    async def _hold_gate(self) -> None:
        """Takes the database loop's gate for a main-loop turn (jobs wait until it is let go)."""
        self.hops += 1
        future = asyncio.run_coroutine_threadsafe(self._gate.take(), self._worker.loop)
        try:
            await asyncio.shield(asyncio.wrap_future(future))
        except asyncio.CancelledError:
            # Cancelled while waiting: once the gate is taken after all, let it go again.
            future.add_done_callback(self._let_go_if_taken)
            raise

    def _let_go_if_taken(self, future: Future[None]) -> None:
        if not future.cancelled() and future.exception() is None:
            self._let_go_gate()

    def _let_go_gate(self) -> None:
        """Lets go of the gate taken by _hold_gate (from the main loop); nothing once closed."""
        if not self._worker.loop.is_closed():
            self._gate.let_go_from_afar()

    async def run(self, fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        """Runs `fn(*args)` as one job: its reads and writes together, at most one hop.

        When nobody holds the gate, the job runs at once where it was asked for, with no hop
        (its statements never suspend). Otherwise it is handed to the database thread and waits
        there for its turn. Everything `fn` awaits must be database work (repositories, this
        Database): it may run on another event loop, so it must not touch the main loop's tasks,
        events or locks. A task that holds a main-loop turn runs `fn` inside that turn instead.
        """
        if self.in_job() or self._holds_turn():
            return await fn(*args, **kwargs)
        self.jobs += 1
        if self._may_run_here():
            return await self._run_here(lambda: fn(*args, **kwargs))
        return await self._submit(lambda: fn(*args, **kwargs))

    async def run_there(
        self, fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Like run(), but on the database thread always: long work that must not hold the loop."""
        if self._worker.here() or self._holds_turn():
            return await fn(*args, **kwargs)
        if self.in_job():
            raise NestedTransaction("run_there() inside a job running elsewhere")
        self.jobs += 1
        return await self._submit(lambda: fn(*args, **kwargs))

    def sees_uncommitted(self) -> bool:
        """Whether this caller's reads go to the writer inside an open transaction."""
        if self._conn is None or not (self.in_job() or self._holds_turn()):
            return False
        return self._conn.in_transaction

    async def write(
        self,
        fn: Callable[Concatenate[Connection, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Runs `fn(conn, *args)` in one transaction, as one job on the database thread."""

        async def job() -> T:
            async with self.transaction() as conn:
                return await fn(conn, *args, **kwargs)

        return await self.run(job)

    # ------------------------------------------------------------------ the main-side turn

    def _holds_turn(self) -> bool:
        return id(self) in _HOLDING.get()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[Connection]:
        """Gives this task the connection; inside a turn it already holds, shares that turn.

        Main-loop turns queue on a main-side lock; the holder also takes the database loop's
        gate, so no job runs between the statements of its turn.
        """
        if self._holds_turn():
            yield self.conn
            return
        async with self._lock:
            await self._hold_gate()
            token = _HOLDING.set(_HOLDING.get() | {id(self)})
            try:
                yield self.conn
            finally:
                _HOLDING.reset(token)
                self._let_go_gate()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """Runs a block in one IMMEDIATE transaction: all of it is committed, or none."""
        if self.in_job():
            async with self._transaction_here() as conn:
                yield conn
            return
        if self._holds_turn():
            raise NestedTransaction(
                "A transaction or read is already open in this task; "
                "pass its connection down instead of opening another."
            )
        async with self._turn() as conn:
            try:
                # Inside the try: a BEGIN that ran although its caller was cancelled is undone.
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
                await conn.execute("COMMIT")
            except BaseException:
                # Statements run in order on the database thread, so this ROLLBACK comes after
                # any statement of the block that is still running, even on cancellation.
                with suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def _transaction_here(self) -> AsyncIterator[Connection]:
        """transaction() inside a job: straight on the connection, no hop."""
        conn = self.conn
        if conn.in_transaction:
            raise NestedTransaction(
                "A transaction or read is already open in this job; "
                "pass its connection down instead of opening another."
            )
        await conn.execute("BEGIN IMMEDIATE")  # where another process holds the lock: waits
        try:
            yield conn
            await conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                conn.raw.execute("ROLLBACK")
            raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        """Yields the connection for reads that see one committed snapshot; writes are discarded."""
        if self.in_job():
            conn = self.conn
            if conn.in_transaction:
                yield conn
                return
            conn.raw.execute("BEGIN DEFERRED")
            try:
                yield conn
            finally:
                with suppress(sqlite3.Error):
                    conn.raw.execute("ROLLBACK")
            return
        if self._holds_turn():
            yield self.conn
            return
        async with self._turn() as conn:
            try:
                await conn.execute("BEGIN DEFERRED")
                yield conn
            finally:
                with suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")

    async def _query(self, sql: str, params: Iterable[Any], one: bool) -> list[Row]:
        """One query: on the writer inside a job or a turn or when it is free, else the reader."""
        values = tuple(params)
        if self.in_job():
            return _rows(self.conn.raw, sql, values, one)
        if self._reader is not None and not self._holds_turn():
            return await self._reader.query(sql, values, one)
        async with self._turn() as conn, conn.execute(sql, values) as cursor:
            return await cursor.fetchall()

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """Runs a query and returns its first row."""
        rows = await self._query(sql, params, True)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """Runs a query and returns all rows."""
        return await self._query(sql, params, False)


async def _plain(job: Callable[[], Awaitable[T]]) -> T:
    """An awaitable job as a coroutine (what run_coroutine_threadsafe takes)."""
    return await job()


async def _sync(fn: Callable[..., T], *args: Any) -> T:
    """A plain function as a job."""
    return fn(*args)
