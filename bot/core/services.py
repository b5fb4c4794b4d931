"""What the transport needs at run time, opened together and closed together."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from bot.core.config import Settings
from bot.core.i18n import Catalogs
from flows.catalog import Catalog
from flows.catalog.load import DEFAULT_CATALOG, load_catalog
from flows.core.effects import FollowUpView, ReferralView
from flows.core.node import Context
from flows.followups.timing import FollowUpPolicy
from flows.regions import RegionDirectory, default_directory
from flows.routing import StaffCover
from storage.audit import AuditRepo
from storage.casework import CaseworkRepo
from storage.caseworkers import CaseworkerRepo
from storage.consents import ConsentRepo
from storage.crypto import FieldCipher
from storage.db import Database
from storage.followups import FollowUpRepo
from storage.inbox import InboxRepo
from storage.keycheck import verify_key
from storage.keyring import open_cipher
from storage.outbox import OutboxRepo
from storage.referrals import Referral, ReferralRepo
from storage.sealed import SealedRepo
from storage.sessions import SessionRepo
from storage.users import UserRepo

Clock = Callable[[], datetime]
# Reference codes avoid characters that are easy to confuse: 0/O/D, 1/I/L, 2/Z, 5/S, 8/B, U/V.
CODE_ALPHABET = "ACEFGHJKMNPQRTWXY34679"
CODE_LENGTH = 6

DEFAULT_ZONE = "Asia/Jakarta"  # WIB, where a person's region is not known


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def new_code() -> str:
    """A fresh random reference code, e.g. "K7M4QX"."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def referral_view(referral: Referral) -> ReferralView:
    """What the flows may know of a stored referral (no personal fields)."""
    return ReferralView(
        code=referral.code,
        service=referral.service,
        item=referral.item,
        region_code=referral.region_code,
        office_key=referral.office_key,
        home_region=referral.home_region,
        status=referral.status,
        created_at=referral.created_at,
        relay_open=referral.relay_open and referral.claimed_by is not None,
    )


def read_catalog(path: Path | None, clock: Clock, regions: RegionDirectory) -> Catalog:
    """Loads and validates the service catalog; raises CatalogInvalid with every error."""
    return load_catalog(path or DEFAULT_CATALOG, today=clock().date(), regions=regions)


@dataclass
class Services:
    """Storage, catalogs and reference data shared by every update."""

    db: Database
    users: UserRepo
    sessions: SessionRepo
    consents: ConsentRepo
    referrals: ReferralRepo
    audit: AuditRepo
    caseworkers: CaseworkerRepo
    casework: CaseworkRepo
    outbox: OutboxRepo
    followups: FollowUpRepo
    inbox: InboxRepo
    sealed: SealedRepo
    catalogs: Catalogs
    regions: RegionDirectory
    catalog: Catalog
    clock: Clock
    retention_days: int
    policy: FollowUpPolicy = field(default_factory=FollowUpPolicy)
    code_source: Callable[[], str] = new_code
    clean_staff_on_close: bool = False  # closing a case also cleans what staff chats show

    @property
    def cipher(self) -> FieldCipher:
        """The cipher of personal fields (the repositories share it)."""
        return self.inbox.cipher

    def flow_context(
        self,
        referrals: Sequence[Referral] = (),
        followups: Sequence[FollowUpView] = (),
        reminders: str = "off",
        staff: Sequence[StaffCover] = (),
    ) -> Context:
        """The read-only data a flow step gets, with the time of this moment."""
        return Context(
            now=self.clock(),
            regions=self.regions,
            catalog=self.catalog,
            referrals=tuple(referral_view(r) for r in referrals),
            new_code=self.code_source(),
            retention_days=self.retention_days,
            followups=tuple(followups),
            reminders=reminders,
            staff=tuple(staff),
        )

    def zone_of(self, region_code: str | None) -> str:
        """The IANA zone of a kab/kota (WIB when unknown)."""
        region = self.regions.region(region_code) if region_code else None
        return region.timezone if region else DEFAULT_ZONE

    def with_fresh_code(self, ctx: Context) -> Context:
        """The same context with another reference code (after a rare collision)."""
        return replace(ctx, new_code=self.code_source())

    async def close(self) -> None:
        """Closes the database."""
        await self.db.close()


async def open_services(settings: Settings, clock: Clock = utc_now) -> Services:
    """Loads key and catalog, opens and checks the database; raises KeyProblem/CatalogInvalid."""
    cipher = open_cipher(settings.env, settings.key_file)
    regions = default_directory()
    catalog = read_catalog(settings.catalog, clock, regions)
    catalogs = Catalogs.load()
    db = await Database.open(settings.database, clock=clock)
    try:
        await verify_key(db, cipher)
    except BaseException:
        await db.close()
        raise
    return Services(
        db=db,
        users=UserRepo(db),
        sessions=SessionRepo(db, cipher),
        consents=ConsentRepo(db),
        referrals=ReferralRepo(db, cipher),
        audit=AuditRepo(db),
        caseworkers=CaseworkerRepo(db, cipher),
        casework=CaseworkRepo(db, cipher),
        outbox=OutboxRepo(db, cipher),
        followups=FollowUpRepo(db),
        inbox=InboxRepo(db, cipher),
        sealed=SealedRepo(db, cipher),
        catalogs=catalogs,
        regions=regions,
        catalog=catalog,
        clock=clock,
        retention_days=settings.retention_days,
        policy=settings.followups,
        clean_staff_on_close=settings.clean_staff_on_close,
    )
