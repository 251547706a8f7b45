"""The audit page's reading: who did what and when, merged from the history tables, the ledger, the access log and
the sign-in security events of the territory's members (codes refused, lockouts: core/two_factor.py).

One query per source (history table, stock ledger, access log), each filtered on the territory, the person and
the dates, sorted newest first and limited to what the requested page needs; the rows are merged in Python. Page
`p` of `per_page` rows reads at most `p * per_page + 1` rows per source; pages beyond `MAX_PAGES` are refused
(narrow the filters instead).
"""

import heapq
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.models import SecurityEvent
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.people.models import AccessLog, Participant
from conserverie.producers.models import SurplusOffer
from conserverie.production.models import HeatTreatmentRecord, ProductionLot, Recall
from conserverie.recipes.models import Recipe
from conserverie.sourcing.models import RawLot
from conserverie.stock.models import StockMovement
from conserverie.territories.models import Membership
from conserverie.workshops.models import Registration, Workshop

PER_PAGE = 50
MAX_PAGES = 20

HISTORY_ACTIONS = {"+": _("création"), "~": _("modification"), "-": _("suppression")}


@dataclass(frozen=True)
class HistorySource:
    """A model with django-simple-history: how to scope its history rows and name the record."""

    key: str
    label: str
    model: type
    territory_path: str  # lookup from the history row to the territory id
    name_path: str | None  # lookup giving a short name of the record (None: "#id")


HISTORY_SOURCES = [
    HistorySource("production_lot", _("Lot de production"), ProductionLot, "territory_id", "code"),
    HistorySource("heat_treatment", _("Traitement thermique"), HeatTreatmentRecord, "lot__territory_id", "lot__code"),
    HistorySource("recall", _("Rappel"), Recall, "territory_id", "lot__code"),
    HistorySource("recipe", _("Recette"), Recipe, "territory_id", "code"),
    HistorySource("raw_lot", _("Lot brut"), RawLot, "territory_id", "code"),
    HistorySource("offer", _("Offre de surplus"), SurplusOffer, "territory_id", None),
    HistorySource("distribution", _("Cession ou vente"), Distribution, "territory_id", None),
    HistorySource("distribution_line", _("Ligne de cession"), DistributionLine, "distribution__territory_id", None),
    HistorySource("workshop", _("Atelier"), Workshop, "territory_id", "title"),
    HistorySource("participant", _("Participant"), Participant, "territory_id", None),
    HistorySource("registration", _("Inscription"), Registration, "workshop__territory_id", None),
]
STOCK_KEY, ACCESS_KEY, SECURITY_KEY = "stock", "access", "security"
KINDS = [
    *((source.key, source.label) for source in HISTORY_SOURCES),
    (STOCK_KEY, _("Mouvement de stock")),
    (ACCESS_KEY, _("Lecture de données sociales")),
    (SECURITY_KEY, _("Sécurité de connexion")),
]


@dataclass
class Entry:
    at: datetime
    kind: str
    kind_label: str
    action: str
    record: str
    user_id: int | None
    username: str
    detail: str

    def sort_key(self):
        return self.at


@dataclass
class AuditPage:
    entries: list[Entry]
    number: int
    has_next: bool
    too_deep: bool


def _bounds(since: date | None, until: date | None):
    # The first and last days of the calendar bound nothing: their local midnights have no UTC value (an
    # OverflowError, a 500, found by tests/core/test_robustness_more.py), as in `core.periods.in_days`.
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(since, time.min), tz) if since and since > date.min else None
    end = (
        timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), tz)
        if until and until < date.max
        else None
    )
    return start, end


def _history_entries(source: HistorySource, territory, user_id, start, end, limit):
    rows = source.model.history.model.objects.filter(**{source.territory_path: territory.pk})
    if user_id:
        rows = rows.filter(history_user_id=user_id)
    if start:
        rows = rows.filter(history_date__gte=start)
    if end:
        rows = rows.filter(history_date__lt=end)
    fields = {"record_name": F(source.name_path)} if source.name_path else {}
    rows = rows.order_by("-history_date", "-history_id").values(
        "history_date", "history_type", "history_user_id", "history_change_reason", "id", **fields
    )
    rows = rows.annotate(username=F("history_user__username"))
    for row in rows[:limit]:
        yield Entry(
            at=row["history_date"],
            kind=source.key,
            kind_label=str(source.label),
            action=str(HISTORY_ACTIONS.get(row["history_type"], row["history_type"])),
            record=row.get("record_name") or f"#{row['id']}",
            user_id=row["history_user_id"],
            username=row["username"] or "",
            detail=row["history_change_reason"] or "",
        )


def _stock_entries(territory, user_id, start, end, limit):
    rows = StockMovement.objects.filter(territory=territory)
    if user_id:
        rows = rows.filter(created_by_id=user_id)
    if start:
        rows = rows.filter(created_at__gte=start)
    if end:
        rows = rows.filter(created_at__lt=end)
    rows = rows.order_by("-created_at", "-id").values(
        "created_at",
        "kind",
        "quantity",
        "reason",
        "created_by_id",
        username=F("created_by__username"),
        code=F("lot__code"),
    )
    labels = dict(StockMovement._meta.get_field("kind").choices)
    for row in rows[:limit]:
        detail = f"{row['quantity']:+d} · {row['reason']}" if row["reason"] else f"{row['quantity']:+d}"
        yield Entry(
            at=row["created_at"],
            kind=STOCK_KEY,
            kind_label=str(_("Mouvement de stock")),
            action=str(labels.get(row["kind"], row["kind"])),
            record=row["code"] or str(_("bocaux vides")),
            user_id=row["created_by_id"],
            username=row["username"] or "",
            detail=detail,
        )


def _access_entries(territory, user_id, start, end, limit):
    rows = AccessLog.objects.filter(territory=territory)
    if user_id:
        rows = rows.filter(user_id=user_id)
    if start:
        rows = rows.filter(at__gte=start)
    if end:
        rows = rows.filter(at__lt=end)
    rows = rows.order_by("-at", "-id").values(
        "at", "fields", "purpose", "participant_id", "user_id", username=F("user__username")
    )
    for row in rows[:limit]:
        yield Entry(
            at=row["at"],
            kind=ACCESS_KEY,
            kind_label=str(_("Lecture de données sociales")),
            action=str(_("lecture")),
            record=f"{_('Participant')} #{row['participant_id']}" if row["participant_id"] else str(_("(effacé)")),
            user_id=row["user_id"],
            username=row["username"] or "",
            detail=f"{row['fields']} · {row['purpose']}",
        )


def _security_entries(territory, user_id, start, end, limit):
    """The sign-in security events of the territory's members (a person's events show in each of their territories)."""
    members = Membership.objects.filter(territory=territory).values("user_id")
    rows = SecurityEvent.objects.filter(user_id__in=members)
    if user_id:
        rows = rows.filter(user_id=user_id)
    if start:
        rows = rows.filter(at__gte=start)
    if end:
        rows = rows.filter(at__lt=end)
    rows = rows.order_by("-at", "-id").values("at", "kind", "detail", "user_id", username=F("user__username"))
    labels = dict(SecurityEvent.Kind.choices)
    for row in rows[:limit]:
        yield Entry(
            at=row["at"],
            kind=SECURITY_KEY,
            kind_label=str(_("Sécurité de connexion")),
            action=str(labels.get(row["kind"], row["kind"])),
            record=str(_("double authentification")),
            user_id=row["user_id"],
            username=row["username"] or "",
            detail=row["detail"],
        )


def audit_page(
    territory,
    *,
    user_id: int | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> AuditPage:
    """Page `page` of the territory's audit trail, newest first: one query per selected source."""
    page = max(1, page)
    if page > MAX_PAGES:
        return AuditPage(entries=[], number=page, has_next=False, too_deep=True)
    limit = page * per_page + 1
    start, end = _bounds(since, until)
    streams = [
        list(_history_entries(source, territory, user_id, start, end, limit))
        for source in HISTORY_SOURCES
        if kind in ("", source.key)
    ]
    if kind in ("", STOCK_KEY):
        streams.append(list(_stock_entries(territory, user_id, start, end, limit)))
    if kind in ("", ACCESS_KEY):
        streams.append(list(_access_entries(territory, user_id, start, end, limit)))
    if kind in ("", SECURITY_KEY):
        streams.append(list(_security_entries(territory, user_id, start, end, limit)))
    merged = list(heapq.merge(*streams, key=Entry.sort_key, reverse=True))
    first = (page - 1) * per_page
    return AuditPage(
        entries=merged[first : first + per_page],
        number=page,
        has_next=len(merged) > first + per_page and page < MAX_PAGES,
        too_deep=False,
    )
