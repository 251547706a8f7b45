"""Where the jars went and what the deposits did: the tables of the distribution report (bilan des cessions).

Every figure is read from the jar ledger (so a reversal counts by itself), each table in a fixed number of
queries whatever the size of the season. A period filters on the day of the movement.

Definitions:

- **jars by destination**: full jars that left through a distribution, by kind (given to a participant, sold
  to the purchasing group, internal use, partner) and by structure (the beneficiary structure of an internal
  use, else the host structure of the workshop where the jars were given; "—" when neither);
- **deposit return rate** of a format: empty jars returned ÷ jars that left with a deposit. Per site: the
  site of the workshop where the jars were given (gifts at workshops only) and, for returns, the site where
  the truck was parked that day (a workshop day): returns to the truck on other days or to the shop have
  no site;
- **deposit hole** of a format = deposits charged − deposits refunded in cash − deposits kept as credit −
  (jars in circulation × the format's deposit), where jars in circulation = jars that left with a deposit
  − empty jars returned. Zero when every deposit is matched by a jar still out or by money paid back;
  positive when the cannery holds more than it can be asked for (deposits left by people who did not want
  them back); negative when it has paid back more than it holds (jars returned that never carried a
  deposit, refunds above the deposit): that is the hole to cover;
- **sales per day**: what was received for distributions on each day, by payment mode (the credit used is
  not money received), with the deposits refunded in cash that day.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, CharField, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.exports import Eur, Percent
from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import JarFormat
from conserverie.workshops.models import Workshop

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=12, decimal_places=2)
OUT_KINDS = (MovementKind.GIVEN, MovementKind.SOLD, MovementKind.INTERNAL)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""


def _period(rows, date_from: date | None, date_to: date | None):
    """Ledger rows of the period (the report's tables all read the jar ledger)."""
    return rows.between(date_from, date_to)


def _eur(value) -> Decimal:
    """Money to the cent (SQLite's sums come back as 18 rather than 18.00)."""
    return Eur((value or ZERO).quantize(Decimal("0.01")))  # an XLSX cell in euros, "4 317,00 €" in a PDF


def _rate(returned: int, out: int):
    return Percent(round(Decimal(returned) / Decimal(out), 3)) if out else None


def by_destination(territory, date_from=None, date_to=None, shared=None) -> Table:
    totals = {}  # (kind, structure) in the query's order
    for kind, structure, _tier, jars, eur in _destinations(territory, date_from, date_to, shared):
        n, money = totals.get((kind, structure), (0, ZERO))
        totals[kind, structure] = (n + (jars or 0), money + (eur or ZERO))
    labels = dict(Distribution.Kind.choices)
    return Table(
        "destinations",
        _("Bocaux par destination et par structure"),
        [_("Destination"), _("Structure"), _("Bocaux"), _("Encaissé (€)")],
        [[str(labels[kind]), structure, jars, _eur(eur)] for (kind, structure), (jars, eur) in totals.items() if jars],
    )


def _with_deposit(territory, date_from, date_to):
    return _period(
        StockMovement.objects.filter(territory=territory, kind__in=OUT_KINDS, distribution_line__deposit_eur__gt=0),
        date_from,
        date_to,
    )


def _returns(territory, date_from, date_to):
    return _period(
        StockMovement.objects.filter(territory=territory, kind=MovementKind.EMPTY_RETURNED), date_from, date_to
    )


def _shared(shared: dict | None, key: str, compute):
    """What several tables of the page read (the same rows grouped the same way) is read once per page: `shared` is
    the page's dict (None: a table alone, an export). Issue 20: the report in a fixed, small number of queries."""
    if shared is None:
        return compute()
    if key not in shared:
        shared[key] = compute()
    return shared[key]


def _deposit_out(territory, date_from, date_to, shared=None) -> list[tuple]:
    """[(format id, site of the workshop or None, jars, deposits €)] of the jars that left with a deposit."""
    return _shared(
        shared,
        "deposit_out",
        lambda: list(
            _with_deposit(territory, date_from, date_to)
            .values_list("jar_format_id", "distribution_line__distribution__workshop__site__name")
            .annotate(
                n=Sum(-F("quantity")),
                eur=Sum(-F("quantity") * F("distribution_line__deposit_eur"), output_field=MONEY),
            )
            .order_by()
        ),
    )


def _returns_by_format(territory, date_from, date_to, shared=None) -> dict:
    """{format id: {n, refunded, credit}} of the empty jars returned (credit: deposits kept as a credit note)."""
    kept = Case(
        When(Q(amount_eur=0) & Q(participant__isnull=False), then=F("quantity") * F("jar_format__deposit_eur")),
        default=Value(ZERO),
        output_field=MONEY,
    )
    return _shared(
        shared,
        "returns_by_format",
        lambda: {
            row["jar_format_id"]: row
            for row in _returns(territory, date_from, date_to)
            .values("jar_format_id")
            .annotate(n=Sum("quantity"), refunded=Sum("amount_eur"), credit=Sum(kept))
            .order_by()
        },
    )


def _returns_by_day(territory, date_from, date_to, shared=None) -> list[dict]:
    """[{day, refunded €, truck: empty jars returned at the truck}] of the empty jars returned: one query."""
    return _shared(
        shared,
        "returns_by_day",
        lambda: list(
            _returns(territory, date_from, date_to)
            .values("day")
            .annotate(refunded=Sum("amount_eur"), truck=Sum("quantity", filter=Q(location__kind="truck")))
            .order_by("day")
        ),
    )


def _destinations(territory, date_from, date_to, shared=None) -> list[tuple]:
    """[(kind, structure, tier, jars, €)] of the jars that left through a distribution, ordered by kind and
    structure: the destinations table and the purchasing group's sales by tier read the same query. Structure: the
    distribution's, else its workshop's; tier: "" at the list price, else "structure — tier"."""
    structure = Coalesce(
        "distribution_line__distribution__structure__name",
        "distribution_line__distribution__workshop__structure__name",
        Value("—"),
        output_field=CharField(),
    )
    tier = Case(
        When(distribution_line__distribution__price_tier__isnull=True, then=Value("")),
        default=Concat(
            "distribution_line__distribution__price_tier__structure__name",
            Value(" — "),
            "distribution_line__distribution__price_tier__name",
            output_field=CharField(),
        ),
        output_field=CharField(),
    )
    return _shared(
        shared,
        "destinations",
        lambda: list(
            _period(
                StockMovement.objects.filter(territory=territory, distribution_line__isnull=False), date_from, date_to
            )
            .annotate(structure_name=structure, tier=tier)
            .values_list("distribution_line__distribution__kind", "structure_name", "tier")
            .annotate(jars=Sum(-F("quantity")), eur=Sum("amount_eur"))
            .order_by("distribution_line__distribution__kind", "structure_name", "tier")
        ),
    )


def _formats(territory, shared=None) -> list[JarFormat]:
    return _shared(shared, "formats", lambda: list(JarFormat.objects.filter(territory=territory).order_by("volume_ml")))


def return_rate_by_format(territory, date_from=None, date_to=None, shared=None) -> Table:
    out = defaultdict(int)
    for format_id, _site, n, _eur_out in _deposit_out(territory, date_from, date_to, shared):
        out[format_id] += n
    back = _returns_by_format(territory, date_from, date_to, shared)
    rows = []
    for jar_format in _formats(territory, shared):
        n_out, n_back = out.get(jar_format.pk, 0), back.get(jar_format.pk, {"n": 0})["n"]
        rows.append([jar_format.name, n_out, n_back, _rate(n_back, n_out)])
    return Table(
        "return_format",
        _("Taux de retour des consignes par format"),
        [_("Format"), _("Bocaux consignés sortis"), _("Bocaux vides rendus"), _("Taux de retour")],
        rows,
    )


def return_rate_by_site(territory, date_from=None, date_to=None, shared=None) -> Table:
    out = defaultdict(int)
    for _format_id, site, n, _eur_out in _deposit_out(territory, date_from, date_to, shared):
        if site is not None:  # given at a workshop
            out[site] += n
    site_of_day = {}
    workshops = Workshop.objects.filter(territory=territory).exclude(status=Workshop.Status.CANCELLED)
    for starts_at, site in workshops.values_list("starts_at", "site__name").order_by("starts_at"):
        site_of_day[timezone.localtime(starts_at).date()] = site
    back = defaultdict(int)
    for row in _returns_by_day(territory, date_from, date_to, shared):
        if row["truck"] is not None and row["day"] in site_of_day:  # returns at the truck on a workshop day
            back[site_of_day[row["day"]]] += row["truck"]
    rows = [
        [site, out.get(site, 0), back.get(site, 0), _rate(back.get(site, 0), out.get(site, 0))]
        for site in sorted(set(out) | set(back))
    ]
    return Table(
        "return_site",
        _("Taux de retour des consignes par lieu"),
        [_("Lieu"), _("Bocaux consignés cédés"), _("Bocaux vides rendus au camion"), _("Taux de retour")],
        rows,
        _("Retours comptés au lieu où le camion stationnait ce jour-là (jour d'atelier)."),
    )


def deposit_hole(territory, date_from=None, date_to=None, shared=None) -> Table:
    out = defaultdict(lambda: (0, ZERO))
    for format_id, _site, n, eur in _deposit_out(territory, date_from, date_to, shared):
        jars, charged = out[format_id]
        out[format_id] = (jars + n, charged + (eur or ZERO))
    returns = _returns_by_format(territory, date_from, date_to, shared)
    rows = []
    totals = [ZERO] * 4
    for jar_format in _formats(territory, shared):
        back = returns.get(jar_format.pk, {"n": 0, "refunded": ZERO, "credit": ZERO})
        jars_out, charged = out.get(jar_format.pk, (0, ZERO))
        in_circulation = jars_out - back["n"]
        figures = [
            _eur(charged),
            _eur(back["refunded"]),
            _eur(back["credit"]),
            _eur(in_circulation * jar_format.deposit_eur),
        ]
        hole = figures[0] - figures[1] - figures[2] - figures[3]
        rows.append([jar_format.name, jar_format.deposit_eur, *figures[:3], in_circulation, figures[3], hole])
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
    rows.append([_("Total"), "", *totals[:3], "", totals[3], totals[0] - totals[1] - totals[2] - totals[3]])
    return Table(
        "deposit_hole",
        _("Trou de consigne"),
        [
            _("Format"),
            _("Consigne (€)"),
            _("Consignes encaissées (€)"),
            _("Remboursées (€)"),
            _("Gardées en avoir (€)"),
            _("Bocaux en circulation"),
            _("Dû sur les bocaux en circulation (€)"),
            _("Trou de consigne (€)"),
        ],
        rows,
        _(
            "Trou = encaissé − remboursé − avoirs − bocaux en circulation × consigne. "
            "Négatif : la conserverie a rendu plus qu'elle ne détient."
        ),
    )


def sales_per_day(territory, date_from=None, date_to=None, shared=None) -> Table:
    received = (
        _period(StockMovement.objects.filter(territory=territory, distribution_line__isnull=False), date_from, date_to)
        .values("day", "distribution_line__distribution__payment_mode")
        .annotate(jars=Sum(-F("quantity")), eur=Sum("amount_eur"))
        .order_by("day", "distribution_line__distribution__payment_mode")
    )
    refunded = {row["day"]: row["refunded"] for row in _returns_by_day(territory, date_from, date_to, shared)}
    modes = dict(PaymentMode.choices)
    rows = []
    for r in received:
        if not r["jars"] and not r["eur"]:
            continue
        rows.append(
            [r["day"], str(modes[r["distribution_line__distribution__payment_mode"]]), r["jars"], _eur(r["eur"])]
        )
    for day, eur in sorted(refunded.items()):
        if eur:
            rows.append([day, _("Consignes remboursées (espèces)"), 0, _eur(-eur)])
    rows.sort(key=lambda row: row[0])
    return Table(
        "sales_day",
        _("Encaissements par jour et mode de paiement"),
        [_("Jour"), _("Mode de paiement"), _("Bocaux"), _("Montant (€)")],
        rows,
        _("L'avoir de consigne utilisé n'est pas un encaissement."),
    )


def sales_by_tier(territory, date_from=None, date_to=None, shared=None) -> Table:
    """The purchasing group's sales by price: the list price, or each structure's social tier."""
    totals = defaultdict(lambda: (0, ZERO))
    for kind, _structure, tier, jars, eur in _destinations(territory, date_from, date_to, shared):
        if kind == Distribution.Kind.GROUP_SALE:
            n, money = totals[tier]
            totals[tier] = (n + (jars or 0), money + (eur or ZERO))
    return Table(
        "sales_tier",
        _("Ventes du groupement d'achat par tarif"),
        [_("Tarif"), _("Bocaux"), _("Encaissé (€)")],
        [[name or str(_("Prix du tarif")), jars, _eur(eur)] for name, (jars, eur) in sorted(totals.items()) if jars],
    )


REPORTS = {
    "destinations": by_destination,
    "return_format": return_rate_by_format,
    "return_site": return_rate_by_site,
    "deposit_hole": deposit_hole,
    "sales_day": sales_per_day,
    "sales_tier": sales_by_tier,
}
