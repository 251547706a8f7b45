"""What farms receive: purchases paid on collection, jars processed for them (à façon), and the purchase note.

- A purchase is a raw lot collected with `terms="purchase"`: the farm is paid kg × the agreed price per kg, on the
  day of the collection (the lot's `collected_on`), to the cent.
- Processing for the farm (à façon): its produce is collected with `terms="processing"`, and the jars made with it
  go back to the farm (`FarmJarReturn`), each at the agreed fee per jar, which the farm owes the cannery.
- The purchase note (« bon d'achat ») lists a farm's purchases of a period: the document the farm keeps.

`farm_purchases` is the one read of money paid to farms: the economics page, `accounts --json` (`farms_paid`)
and the accounting export use it (docs/economics-en.md).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from conserverie.core.formats import french_number, human_date
from conserverie.producers.models import Terms
from conserverie.sourcing.models import FarmJarReturn, RawLot

MONEY = DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")


def farm_purchases(territory, date_from: date | None = None, date_to: date | None = None, producer=None):
    """The purchases of the period, one row per raw lot bought: `amount_eur` (kg × price, to the cent),
    `collected_on` (the day it is paid), `producer`. Ordered by day and lot code. For the FEC: one entry per row."""
    lots = RawLot.objects.filter(territory=territory, terms=Terms.PURCHASE).collected_between(date_from, date_to)
    if producer is not None:
        lots = lots.filter(producer=producer)
    return (
        lots.annotate(amount_eur=Round(ExpressionWrapper(F("kg") * F("price_eur_kg"), output_field=MONEY), 2))
        .select_related("producer", "product")
        .order_by("collected_on", "code")
    )


def _sum_purchases(lots) -> Decimal:
    # Rounded per lot, as each lot is paid: the sum of the rounded amounts (the note's total, the books' total).
    return sum((Decimal(lot.amount_eur).quantize(Decimal("0.01")) for lot in lots), ZERO)


def farm_jar_returns(territory, date_from: date | None = None, date_to: date | None = None, producer=None):
    returns = FarmJarReturn.objects.filter(territory=territory)
    if date_from:
        returns = returns.filter(day__gte=date_from)
    if date_to:
        returns = returns.filter(day__lte=date_to)
    if producer is not None:
        returns = returns.filter(producer=producer)
    return returns.select_related("producer", "raw_lot__product").order_by("day", "id")


@dataclass
class FarmMoney:
    """What farms received in a period: money paid for purchases, jars returned (à façon) and the fees owed."""

    paid_eur: Decimal
    kg_bought: Decimal
    kg_given: Decimal
    kg_processed: Decimal
    jars_returned: int
    fees_eur: Decimal


def farm_money(territory, date_from: date | None = None, date_to: date | None = None, producer=None) -> FarmMoney:
    """Totals for the territory, or one farm (2 queries)."""
    lots = RawLot.objects.filter(territory=territory).collected_between(date_from, date_to)
    if producer is not None:
        lots = lots.filter(producer=producer)
    # One query for kilos by terms and the money paid: each lot rounded to the cent as it is paid, then summed
    # (the purchase notes' totals and the books agree).
    amount = Round(ExpressionWrapper(F("kg") * F("price_eur_kg"), output_field=MONEY), 2)
    rows = (
        lots.annotate(amount_eur=amount)
        .values("terms")
        .annotate(kg=Sum("kg"), paid=Sum("amount_eur", filter=Q(terms=Terms.PURCHASE)))
    )
    by_terms = {row["terms"]: row for row in rows.order_by("terms")}
    kg = {terms: row["kg"] for terms, row in by_terms.items()}
    paid = {"total": by_terms.get(Terms.PURCHASE, {}).get("paid")}
    returns = farm_jar_returns(territory, date_from, date_to, producer).aggregate(
        jars=Sum("jars"), fees=Sum("fee_eur"), n=Count("pk")
    )
    return FarmMoney(
        paid_eur=Decimal(paid["total"] or 0).quantize(Decimal("0.01")),
        kg_bought=kg.get(Terms.PURCHASE, Decimal("0")),
        kg_given=kg.get(Terms.DONATION, Decimal("0")),
        kg_processed=kg.get(Terms.PROCESSING, Decimal("0")),
        jars_returned=returns["jars"] or 0,
        fees_eur=(returns["fees"] or ZERO).quantize(Decimal("0.01")),
    )


def farm_money_rows(territory, date_from: date, date_to: date) -> list[dict]:
    """Per farm that received something in the period: money paid, kilos bought, jars returned, fees (2 queries)."""
    rows: dict[int, dict] = {}

    def row(producer):
        return rows.setdefault(
            producer.pk,
            {"producer": producer, "paid_eur": ZERO, "kg_bought": Decimal("0"), "jars": 0, "fees_eur": ZERO},
        )

    for lot in farm_purchases(territory, date_from, date_to):
        r = row(lot.producer)
        r["paid_eur"] += Decimal(lot.amount_eur).quantize(Decimal("0.01"))
        r["kg_bought"] += lot.kg
    for jar_return in farm_jar_returns(territory, date_from, date_to):
        r = row(jar_return.producer)
        r["jars"] += jar_return.jars
        r["fees_eur"] += jar_return.fee_eur
    return sorted(rows.values(), key=lambda r: r["producer"].name)


# --- The purchase note -------------------------------------------------------------------------------------------


def purchase_note_number(producer, date_from: date, date_to: date) -> str:
    return f"{producer.territory.code}-BA-{producer.pk:05d}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"


def purchase_note_pdf(producer, date_from: date, date_to: date, organisation: str) -> bytes:
    """The farm's purchase note for the period: each lot bought (day, product, kg, €/kg, amount) and the total."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    lots = list(farm_purchases(producer.territory, date_from, date_to, producer))
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    buffer = BytesIO()
    number = purchase_note_number(producer, date_from, date_to)
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=number)
    story = [
        Paragraph(escape(_("Bon d'achat de produits agricoles")), styles["Title"]),
        Paragraph(escape(_("Bon n° %(number)s") % {"number": number}), body),
        Paragraph(escape(_("Acheteur : %(name)s") % {"name": organisation}), body),
        Paragraph(
            escape(
                _("Vendeur : %(farm)s, %(address)s")
                % {"farm": producer.legal_name or producer.name, "address": producer.address or producer.commune}
            ),
            body,
        ),
        Paragraph(
            escape(
                _("Période : du %(start)s au %(end)s") % {"start": human_date(date_from), "end": human_date(date_to)}
            ),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    data = [[_("Date"), _("Lot brut"), _("Produit"), _("kg"), _("Prix (€/kg)"), _("Montant")]]
    for lot in lots:
        data.append(
            [
                lot.collected_on.strftime("%d/%m/%Y"),
                lot.code,
                lot.product.name,
                french_number(lot.kg, 2),
                f"{french_number(lot.price_eur_kg, 2)} €",
                f"{french_number(Decimal(lot.amount_eur), 2)} €",
            ]
        )
    total = _sum_purchases(lots)
    data.append([_("Total"), "", "", "", "", f"{french_number(total, 2)} €"])
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Payé à la collecte, au prix convenu par kilo pesé.")), body),
    ]
    doc.build(story)
    return buffer.getvalue()
