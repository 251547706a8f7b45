"""The yearly donation certificate (attestation de don) a farm downloads from its space.

Kilos are the weighed raw lots of the farm collected in the calendar year (what the scales said, not the offer's
estimate); the value of a kilo is the product's declared donation value (Product.donation_value_eur_kg, one figure
per product, set by the platform's administrators). The cooperative signs as the receiving organisation.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from conserverie.core.formats import human_date
from conserverie.sourcing.models import RawLot

CENT = Decimal("0.01")
TAX_RATE = Decimal("0.60")


@dataclass(frozen=True)
class CertificateLine:
    product: str
    kg: Decimal
    eur_per_kg: Decimal

    @property
    def value(self) -> Decimal:
        return (self.kg * self.eur_per_kg).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Certificate:
    number: str
    year: int
    producer: object
    territory: object
    lines: list

    @property
    def kg(self) -> Decimal:
        return sum((line.kg for line in self.lines), Decimal("0"))

    @property
    def value(self) -> Decimal:
        return sum((line.value for line in self.lines), Decimal("0"))

    @property
    def reduction(self) -> Decimal:
        return (self.value * TAX_RATE).quantize(CENT, rounding=ROUND_HALF_UP)


def certificate_number(producer, year: int) -> str:
    return f"{producer.territory.code}-AD{year}-{producer.pk:05d}"


def donation_certificate(producer, year: int) -> Certificate:
    """The figures of the certificate (one query)."""
    rows = (
        RawLot.objects.filter(producer=producer, collected_on__year=year)
        .values("product__name", "product__donation_value_eur_kg")
        .annotate(kg=Sum("kg"))
        .order_by("product__name")
    )
    lines = [CertificateLine(r["product__name"], r["kg"], r["product__donation_value_eur_kg"]) for r in rows]
    return Certificate(
        number=certificate_number(producer, year),
        year=year,
        producer=producer,
        territory=producer.territory,
        lines=lines,
    )


def _eur(value: Decimal) -> str:
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


def _kg(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')):,.1f}".replace(",", " ").replace(".", ",")


def certificate_pdf(certificate: Certificate) -> bytes:
    styles = getSampleStyleSheet()
    body, title = styles["BodyText"], styles["Title"]
    territory, producer = certificate.territory, certificate.producer
    organisation = territory.organisation or territory.name
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Attestation de don %(year)s") % {"year": certificate.year},
        author=organisation,
    )
    story = [
        Paragraph(escape(_("Attestation de don en nature — année %(year)s") % {"year": certificate.year}), title),
        Paragraph(escape(_("Attestation n° %(number)s") % {"number": certificate.number}), body),
        Spacer(1, 4 * mm),
        Paragraph(f"<b>{escape(_('Organisme bénéficiaire'))}</b>", body),
        Paragraph(escape(organisation), body),
        Paragraph(escape(territory.address or territory.name), body),
        Spacer(1, 3 * mm),
        Paragraph(f"<b>{escape(_('Donateur'))}</b>", body),
        Paragraph(escape(f"{producer.name}, {producer.commune}"), body),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                _(
                    "L'organisme bénéficiaire certifie avoir reçu du donateur, au titre de dons en nature, "
                    "les produits agricoles suivants, pesés à la collecte entre le 1er janvier et le 31 décembre "
                    "%(year)s :"
                )
                % {"year": certificate.year}
            ),
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    data = [[_("Produit"), _("kg"), _("Valeur déclarée (€/kg)"), _("Valeur (€)")]]
    for line in certificate.lines:
        data.append([line.product, _kg(line.kg), _eur(line.eur_per_kg), _eur(line.value)])
    data.append([_("Total"), _kg(certificate.kg), "", _eur(certificate.value)])
    table = Table(data, colWidths=[65 * mm, 30 * mm, 42 * mm, 35 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 5 * mm),
        Paragraph(
            escape(
                _(
                    "Ces dons ouvrent droit, pour une entreprise, à une réduction d'impôt égale à 60 %% de leur "
                    "valeur, dans la limite prévue par l'article 238 bis du code général des impôts (CGI). "
                    "Réduction correspondante : %(amount)s."
                )
                % {"amount": _eur(certificate.reduction)}
            ),
            body,
        ),
        Paragraph(
            escape(_("Le donateur n'a reçu aucune contrepartie. Valeur du kilo fixée par produit par l'organisme.")),
            body,
        ),
        Spacer(1, 8 * mm),
        Paragraph(
            escape(
                _("Fait le %(day)s, pour %(organisation)s.")
                % {"day": human_date(timezone.localdate(), "j F Y"), "organisation": organisation}
            ),
            body,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
