"""The command line: the bot, the demo and the administrator's commands (see parser())."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.admin import caseworkers as admin
from bot.admin.audit import audit_lines
from bot.admin.backup import BackupProblem, backup
from bot.admin.caseworkers import INVITE_DAYS
from bot.admin.export import ExportProblem, export, parse_day
from bot.admin.rotate import RotationProblem, rotate_key, tqdm_progress
from bot.core.config import Settings, load_settings
from bot.core.logs import Redactor, setup_logging
from bot.core.retention import RetentionPolicy, erase_on_request, purge
from bot.core.routing import log_staffing
from bot.core.services import open_services, utc_now
from bot.telegram import app as telegram_app
from bot.telegram.jobs import schedule_purge
from flows.catalog.load import DEFAULT_CATALOG, CatalogInvalid, load_catalog
from flows.regions import default_directory
from storage.crypto import KeyProblem, create_key_file
from storage.folders import make_private_dir
from storage.lockfile import BOT, LockHeld, holding, lock_path
from storage.quarantine import KEEP as QUARANTINE_KEEP


class ConfigProblem(Exception):
    """The configuration cannot work; the message says what to change."""


def _stop_on_signal() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, from now on (a signal during start-up stops cleanly)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def run_bot(settings: Settings) -> None:
    """Runs the bot until stopped; refuses if another bot runs on the same database."""
    path = lock_path(settings.database, BOT)
    try:
        with holding(path):
            await _run_bot(settings)
    except LockHeld as held:
        by = f" (process {held.pid})" if held.pid else ""
        raise ConfigProblem(
            f"another Jembatan bot{by} is already running on {settings.database}. "
            "Two bots on one database would send her messages twice; stop the other one first."
        ) from None


async def _run_bot(settings: Settings) -> None:
    """Runs the bot against Telegram (or the configured Bot API server) until stopped."""
    assert settings.token is not None
    webhook = None
    if settings.webhook_url:
        if not settings.webhook_secret:
            raise ConfigProblem("JEMBATAN_WEBHOOK_URL needs JEMBATAN_WEBHOOK_SECRET as well.")
        webhook = telegram_app.Webhook(
            settings.webhook_url,
            settings.webhook_secret,
            settings.webhook_listen,
            settings.webhook_port,
        )
    stop = _stop_on_signal()
    services = await open_services(settings)
    try:
        app = telegram_app.build_application(
            services,
            settings.token,
            base_url=settings.api_base_url,
            base_file_url=settings.api_file_url,
            overall_rate=settings.overall_rate,
            sweep_seconds=settings.sweep_seconds,
        )
        try:
            await telegram_app.start(app, services.catalogs, webhook)
            await log_staffing(services)
            schedule_purge(app, services, RetentionPolicy.from_settings(settings))
            print("Jembatan is running. Press Ctrl+C to stop.", file=sys.stderr)
            await stop.wait()
        finally:  # also when start-up failed half-way: what was started is stopped
            await telegram_app.stop(app)
    finally:
        await services.close()


async def init(settings: Settings) -> None:
    """Creates the data directory (0700), the encryption key file (0600) and the database."""
    make_private_dir(settings.data_dir)
    if settings.key:
        print("Using the key from JEMBATAN_KEY.")
    elif settings.key_file.exists():
        print(f"Key file already exists: {settings.key_file} (kept as it is).")
    else:
        create_key_file(settings.key_file)
        print(f"Created the encryption key: {settings.key_file} (readable by this user only).")
        print("Back it up somewhere safe: without it the stored data cannot be read.")
    services = await open_services(settings)
    await services.close()
    print(f"Database ready: {settings.database}")


def _confirm(diff: list[str]) -> bool:
    answer = input(f"Apply these {len(diff)} change(s)? [y/N] ")
    return answer.strip().lower() in {"y", "yes", "ya"}


async def catalog_command(settings: Settings, args: argparse.Namespace) -> int:
    """Runs `catalog check | coverage | export | import`."""
    from bot.admin import catalog as catalog_tools  # openpyxl is loaded only for these commands

    target = args.path or settings.catalog or DEFAULT_CATALOG
    today = utc_now().date()
    regions = default_directory()
    if args.catalog_command == "check":
        return catalog_tools.check(
            target, today=today, regions=regions, months=args.months, out=print
        )
    if args.catalog_command == "coverage":
        catalog = load_catalog(target, today=today, regions=regions)
        staff = None if args.no_routing else await catalog_tools.staff_covers(settings)
        for line in catalog_tools.coverage_lines(catalog, regions, staff):
            print(line)
        return 0
    if args.catalog_command == "export":
        print(catalog_tools.export(target, args.out))
        return 0
    return catalog_tools.import_workbook(
        args.workbook,
        target,
        today=today,
        regions=regions,
        confirm=(lambda diff: True) if args.yes else _confirm,
        out=print,
    )


def parser() -> argparse.ArgumentParser:
    """Builds the argument parser."""
    p = argparse.ArgumentParser(prog="python -m bot", description="Jembatan Telegram bot")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the offline demo when no TELEGRAM_BOT_TOKEN is set)")
    sub.add_parser("demo", help="chat with the bot in this terminal, against a local simulator")
    sub.add_parser("init", help="create the encryption key and the database")
    catalog = sub.add_parser("catalog", help="service catalog tools")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    check = catalog_sub.add_parser("check", help="validate a catalog (default: the bundled one)")
    check.add_argument("path", nargs="?", type=Path, help="a catalog directory or YAML file")
    check.add_argument(
        "--months", type=int, help="warn about entries not verified for this long (default 6)"
    )
    cover = catalog_sub.add_parser("coverage", help="which services and routing each region has")
    cover.add_argument("path", nargs="?", type=Path, help="a catalog directory or YAML file")
    cover.add_argument("--no-routing", action="store_true", help="do not open the database")
    sheet = catalog_sub.add_parser("export", help="write the catalog as an XLSX workbook")
    sheet.add_argument("--out", type=Path, required=True, help="the .xlsx file to create")
    sheet.add_argument("path", nargs="?", type=Path, help="a catalog directory")
    load = catalog_sub.add_parser("import", help="replace the catalog with a checked workbook")
    load.add_argument("workbook", type=Path, help="the .xlsx file (one sheet per section)")
    load.add_argument("--catalog", dest="path", type=Path, help="the catalog directory to write")
    load.add_argument("--yes", action="store_true", help="apply without asking after the changes")
    staff = sub.add_parser("caseworker", help="staff accounts: invite, list, deactivate")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    inv = staff_sub.add_parser("invite", help="create an account and print its one-time link")
    inv.add_argument("--name", required=True)
    inv.add_argument(
        "--regions",
        required=True,
        help="comma-separated kab/kota codes (35.78), province codes (35), or * (all)",
    )
    inv.add_argument("--services", default="*", help="training,livelihood,health,going_home,...")
    inv.add_argument("--role", default="caseworker", help="caseworker, supervisor or admin")
    inv.add_argument("--days", type=int, default=INVITE_DAYS, help="days the link stays valid")
    staff_sub.add_parser("list", help="list staff accounts")
    off = staff_sub.add_parser("deactivate", help="take away an account's access at once")
    off.add_argument("id", type=int)
    out = sub.add_parser("export", help="write a pseudonymous CSV of the referrals of some days")
    out.add_argument(
        "--from",
        dest="first",
        required=True,
        metavar="YYYY-MM-DD",
        help="first day (days are WIB days)",
    )
    out.add_argument(
        "--to",
        dest="last",
        required=True,
        metavar="YYYY-MM-DD",
        help="last day (included)",
    )
    out.add_argument("--out", type=Path, help="the CSV file to create (- for standard output)")
    audit = sub.add_parser("audit", help="print the audit log, newest first")
    audit.add_argument("--limit", type=int, default=50, help="how many entries (default 50)")
    sub.add_parser("purge", help="erase personal data past its retention period (audited)")
    forget = sub.add_parser("erase", help="erase the person behind a reference code (her request)")
    forget.add_argument("code", help="the reference code she gives, e.g. K7M4QX")
    sub.add_parser("rotate-key", help="re-encrypt every personal field under a new key")
    save = sub.add_parser("backup", help="write a consistent copy of the database (not the key)")
    save.add_argument("path", type=Path, help="the backup file to create")
    return p


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


async def staff_command(settings: Settings, args: argparse.Namespace) -> int:
    """Runs `caseworker invite | list | deactivate`."""
    if args.staff_command == "invite":
        try:
            link = await admin.invite(
                settings, args.name, _csv(args.regions), _csv(args.services), args.role, args.days
            )
        except ValueError as problem:
            print(f"Not done: {problem}", file=sys.stderr)
            return 2
        print(f"One-time invite (valid {args.days} days, single use): {link}")
    elif args.staff_command == "list":
        for line in await admin.list_staff(settings):
            print(line)
    elif not await admin.deactivate(settings, args.id):
        print(f"No active account with id {args.id}.", file=sys.stderr)
        return 1
    else:
        print(f"Account {args.id} deactivated.")
    return 0


async def export_command(settings: Settings, args: argparse.Namespace) -> int:
    """Runs `export --from --to [--out]`."""
    try:
        first, last = parse_day(args.first, "--from"), parse_day(args.last, "--to")
        result = await export(settings, first, last, args.out)
    except ExportProblem as problem:
        print(f"Not done: {problem}", file=sys.stderr)
        return 2
    print(f"Exported {result.rows} referral(s) to {result.target}.", file=sys.stderr)
    return 0


async def audit_command(settings: Settings, args: argparse.Namespace) -> int:
    """Runs `audit [--limit N]`."""
    try:
        lines = await audit_lines(settings, args.limit)
    except ValueError as problem:
        print(f"Not done: {problem}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


async def purge_command(settings: Settings) -> int:
    """Runs `purge`."""
    services = await open_services(settings)
    try:
        report = await purge(services, services.clock(), RetentionPolicy.from_settings(settings))
    finally:
        await services.close()
    print(f"Erased the personal fields of {report.referrals} ended referral(s).")
    print(f"Erased {report.people} inactive person(s) entirely.")
    days = QUARANTINE_KEEP.days
    print(f"Deleted {report.quarantined} unreadable update(s) kept longer than {days} days.")
    return 0


async def erase_command(settings: Settings, args: argparse.Namespace) -> int:
    """Runs `erase CODE`."""
    services = await open_services(settings)
    try:
        found = await erase_on_request(services, args.code)
    finally:
        await services.close()
    if not found:
        print(f"No referral with code {args.code}; nothing was erased.", file=sys.stderr)
        return 1
    print(f"Erased everything personal of the person behind {args.code.strip().upper()}.")
    print("The referral stays for statistics, without anything that leads to her.")
    return 0


async def rotate_command(settings: Settings) -> int:
    """Runs `rotate-key`."""
    try:
        with tqdm_progress() as progress:
            result = await rotate_key(settings, progress)
    except (RotationProblem, KeyProblem) as problem:
        print(f"Not done: {problem}", file=sys.stderr)
        return 2
    if result.resumed:
        print("Resumed the rotation left unfinished.")
    print(
        f"Re-encrypted {result.values} value(s); every value is now under key id "
        f"{result.new_key_id}, and the key file holds that key only."
    )
    print(
        f"Back up {settings.key_file} now. Backups taken before need the old key "
        f"(id {', '.join(result.old_key_ids)}); export pseudonyms change with the key."
    )
    return 0


async def backup_command(settings: Settings, args: argparse.Namespace) -> int:
    """Runs `backup PATH`."""
    try:
        result = await backup(settings, args.path)
    except BackupProblem as problem:
        print(f"Not done: {problem}", file=sys.stderr)
        return 2
    print(f"Backup written: {result.path} ({result.size} bytes, readable by this user only).")
    print(
        f"It does not contain the encryption key: back up {settings.key_file} separately "
        f"(key id {result.key_id}), and keep the two apart."
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = parser().parse_args(argv)
    settings = load_settings()
    setup_logging(settings.log_level, secrets=[settings.token or ""])
    command = args.command or "run"
    try:
        if command == "catalog":
            return asyncio.run(catalog_command(settings, args))
        if command == "caseworker":
            return asyncio.run(staff_command(settings, args))
        if command == "export":
            return asyncio.run(export_command(settings, args))
        if command == "audit":
            return asyncio.run(audit_command(settings, args))
        if command == "purge":
            return asyncio.run(purge_command(settings))
        if command == "erase":
            return asyncio.run(erase_command(settings, args))
        if command == "rotate-key":
            return asyncio.run(rotate_command(settings))
        if command == "backup":
            return asyncio.run(backup_command(settings, args))
        if command == "init":
            asyncio.run(init(settings))
        elif command == "demo" or (command == "run" and not settings.token):
            from bot.admin.demo import run_demo

            if command == "run":
                print("No TELEGRAM_BOT_TOKEN set: starting the offline demo.", file=sys.stderr)
            asyncio.run(run_demo(settings))
        else:
            asyncio.run(run_bot(settings))
    except (KeyProblem, ConfigProblem, telegram_app.StartFailed) as problem:
        reason = Redactor([settings.token or ""])(str(problem))
        print(f"Jembatan cannot start: {reason}", file=sys.stderr)
        return 2
    except CatalogInvalid as invalid:
        print("Jembatan cannot start: the service catalog has errors:", file=sys.stderr)
        for error in invalid.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # logged through the redacting handler: no token in the traceback
        logging.getLogger(__name__).exception("Jembatan stopped on an unexpected error")
        return 1
    return 0
