"""Donation receipts for the farms' gifts in kind (article 238 bis of the CGI, Cerfa 16216 model).

The rules (docs/economics-en.md, "Donation receipts"):

- the beneficiary is the territory's legal entity (`territories.LegalEntity`): name, legal form, SIREN or RNA,
  address, object and the ground on which the gifts it receives open the tax reduction; no receipt without it;
- the donor is the farm's legal identity (name, legal form, SIREN, address), all four required;
- one receipt per farm and calendar year, issued only once the year is over (the gifts of the year are known);
- the gifts are the farm's weighed raw lots collected as gifts (`terms="donation"`) in that year: kilos per
  product, valued at the donor's cost price as the farm declared it (article 238 bis 1 CGI: « au coût de revient
  du bien donné »; BOI-BIC-RICI-20-30-10-20), never at the cannery's own prices; produce that could no longer be
  sold (grades « invendu » and « déclassé ») at the stock value the farm declared for it, or its cost price when it
  declared none;
- a receipt never changes: every particular is copied into it when issued. A correction cancels it (kept, marked
  « annulé ») and issues a new receipt with the next number. Numbers run without a gap per legal entity and year:
  the entity's row is locked (`select_for_update`, as pretix locks its invoice numbering) while the next number is
  drawn, and a receipt is never deleted.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.formats import french_number, human_date
from conserverie.core.history import save_as
from conserverie.producers.models import CostPrice, Terms
from conserverie.sourcing.models import DonationReceipt, RawLot
from conserverie.territories.models import LegalEntity
from conserverie.territories.permissions import require, require_same_territory

CENT = Decimal("0.01")
UNSOLD_GRADES = ("unsold", "downgraded")


def eur_text(value) -> str:
    return f"{french_number(Decimal(value), 2)} €"


def kg_text(value) -> str:
    return french_number(Decimal(value), 2)


@dataclass(frozen=True)
class GiftLine:
    product: str
    grade: str
    kg: Decimal
    eur_per_kg: Decimal
    rule: str

    @property
    def value(self) -> Decimal:
        return (self.kg * self.eur_per_kg).quantize(CENT, rounding=ROUND_HALF_UP)


def _entity_of(territory) -> LegalEntity:
    entity = LegalEntity.objects.filter(territory=territory).first()
    if entity is None:
        raise ValidationError(
            _(
                "Le territoire n'a pas enregistré son entité juridique (dénomination, SIREN ou RNA, objet, "
                "éligibilité, signataire) : aucun reçu ne peut être émis sans bénéficiaire identifié."
            )
        )
    missing = [
        str(LegalEntity._meta.get_field(name).verbose_name)
        for name in ("name", "legal_form", "address", "city", "purpose", "eligibility", "signatory_name")
        if not getattr(entity, name).strip()
    ]
    if not entity.signatory_role.strip():
        missing.append(str(LegalEntity._meta.get_field("signatory_role").verbose_name))
    if not (entity.siren or entity.rna):
        missing.append(_("SIREN ou numéro RNA"))
    if missing:
        raise ValidationError(
            _("L'entité juridique du territoire est incomplète : %(fields)s.") % {"fields": ", ".join(missing)}
        )
    return entity


def _check_donor(producer) -> None:
    missing = [
        label
        for label, value in (
            (_("dénomination"), producer.legal_name),
            (_("forme juridique"), producer.legal_form),
            (_("SIREN"), producer.siren),
            (_("adresse"), producer.address),
        )
        if not (value or "").strip()
    ]
    if missing:
        raise ValidationError(
            _("L'identité de la ferme %(farm)s est incomplète : %(fields)s.")
            % {"farm": producer.name, "fields": ", ".join(missing)}
        )


def check_year_closed(year: int, today: date) -> None:
    if year >= today.year:
        raise ValidationError(
            _(
                "L'année %(year)s n'est pas close : le reçu des dons d'une année s'émet à partir du 1er janvier "
                "%(next)s, quand tous ses dons sont connus."
            )
            % {"year": year, "next": year + 1}
        )


def gift_lines(producer, year: int) -> tuple[list[GiftLine], date | None, date | None]:
    """The farm's gifts of `year` per product and grade, valued at its declared cost price (2 queries).

    Refuses (ValidationError) when a product given has no declared cost price: the platform does not guess it."""
    lots = RawLot.objects.filter(producer=producer, terms=Terms.DONATION, collected_on__year=year)
    rows = list(
        lots.values("product_id", "product__name", "grade")
        .annotate(kg=Sum("kg"), first=Min("collected_on"), last=Max("collected_on"))
        .order_by("product__name", "grade")
    )
    prices = {p.product_id: p for p in CostPrice.objects.filter(producer=producer)}
    missing = sorted({r["product__name"] for r in rows if r["product_id"] not in prices})
    if missing:
        raise ValidationError(
            _("La ferme n'a pas déclaré son coût de revient pour : %(products)s.") % {"products": ", ".join(missing)}
        )
    lines = []
    for row in rows:
        price = prices[row["product_id"]]
        unsold = row["grade"] in UNSOLD_GRADES and price.unsold_eur_per_kg is not None
        lines.append(
            GiftLine(
                product=row["product__name"],
                grade=row["grade"],
                kg=row["kg"],
                eur_per_kg=price.value_for(row["grade"]),
                rule=_("valeur en stock des invendus déclarée par la ferme")
                if unsold
                else _("coût de revient déclaré par la ferme"),
            )
        )
    first = min((r["first"] for r in rows), default=None)
    last = max((r["last"] for r in rows), default=None)
    return lines, first, last


def _beneficiary(entity: LegalEntity) -> dict:
    return {
        "name": entity.name,
        "legal_form": entity.legal_form,
        "siren": entity.siren,
        "rna": entity.rna,
        "address": entity.address,
        "city": entity.city,
        "purpose": entity.purpose,
        "eligibility": entity.eligibility,
        "signatory_name": entity.signatory_name,
        "signatory_role": entity.signatory_role,
        "signature": entity.signature.name if entity.signature else "",
    }


def _donor(producer) -> dict:
    return {
        "farm": producer.name,
        "name": producer.legal_name,
        "legal_form": producer.legal_form,
        "siren": producer.siren,
        "address": producer.address,
        "commune": producer.commune,
    }


def _issue(*, actor, producer, year: int, entity: LegalEntity, today: date) -> DonationReceipt:
    """Inside the caller's transaction, the entity row locked: draw the next number and write the receipt."""
    lines, first, last = gift_lines(producer, year)
    if not lines:
        raise ValidationError(
            _("La ferme %(farm)s n'a fait aucun don pesé en %(year)s : pas de reçu à émettre.")
            % {"farm": producer.name, "year": year}
        )
    territory = producer.territory
    last_sequence = DonationReceipt.objects.filter(territory=territory, year=year).aggregate(n=Max("sequence"))["n"]
    sequence = (last_sequence or 0) + 1
    receipt = DonationReceipt(
        territory=territory,
        producer=producer,
        year=year,
        sequence=sequence,
        number=f"{territory.code}-RD{year}-{sequence:04d}",
        issued_on=today,
        first_gift_on=first,
        last_gift_on=last,
        beneficiary=_beneficiary(entity),
        donor=_donor(producer),
        lines=[
            {
                "product": line.product,
                "grade": line.grade,
                "kg": str(line.kg),
                "eur_per_kg": str(line.eur_per_kg),
                "value": str(line.value),
                "rule": line.rule,
            }
            for line in lines
        ],
        total_eur=sum((line.value for line in lines), Decimal("0")),
        issued_by=actor,
    )
    receipt._history_user = actor
    receipt.full_clean(validate_constraints=False)
    receipt.save()
    return receipt


def legal_entity_set(*, actor, territory, entity: LegalEntity) -> LegalEntity:
    """Record the legal person that signs the territory's receipts (donations and sales), with its history row."""
    require(actor, territory, "receipt.issue")
    entity.territory = territory
    with transaction.atomic():
        return save_as(entity, actor)


def receipt_issue(*, actor, producer, year: int, today: date | None = None) -> DonationReceipt:
    """Issue the receipt of a farm's gifts in kind for a closed year (article 238 bis CGI)."""
    territory = producer.territory
    require(actor, territory, "receipt.issue")
    today = today or timezone.localdate()
    check_year_closed(year, today)
    _check_donor(producer)
    _entity_of(territory)
    with transaction.atomic():
        entity = LegalEntity.objects.select_for_update().get(territory=territory)
        existing = DonationReceipt.objects.filter(
            producer=producer, year=year, status=DonationReceipt.Status.ISSUED
        ).first()
        if existing is not None:
            raise ValidationError(
                _(
                    "Le reçu %(number)s couvre déjà les dons de %(year)s de cette ferme : pour le corriger, "
                    "annulez-le, un nouveau numéro sera émis."
                )
                % {"number": existing.number, "year": year}
            )
        return _issue(actor=actor, producer=producer, year=year, entity=entity, today=today)


def receipt_correct(*, actor, receipt: DonationReceipt, reason: str, today: date | None = None) -> DonationReceipt:
    """Cancel a receipt (kept, marked « annulé », with the reason) and issue its replacement with a new number."""
    territory = receipt.territory
    require(actor, territory, "receipt.issue")
    require_same_territory(territory, receipt.producer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    today = today or timezone.localdate()
    _check_donor(receipt.producer)
    _entity_of(territory)
    with transaction.atomic():
        entity = LegalEntity.objects.select_for_update().get(territory=territory)
        old = DonationReceipt.objects.select_for_update().get(pk=receipt.pk)
        if old.is_cancelled:
            raise ValidationError(_("Ce reçu est déjà annulé."))
        old.status, old.cancelled_on, old.cancel_reason = DonationReceipt.Status.CANCELLED, today, reason[:250]
        old._history_user = actor
        old.save(update_fields=["status", "cancelled_on", "cancel_reason"])
        new = _issue(actor=actor, producer=old.producer, year=old.year, entity=entity, today=today)
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        return new


def receipt_years(producer, today: date) -> list[int]:
    """Closed years in which the farm gave weighed produce, newest first (one query)."""
    years = (
        RawLot.objects.filter(producer=producer, terms=Terms.DONATION, collected_on__year__lt=today.year)
        .values_list("collected_on__year", flat=True)
        .distinct()
        .order_by("-collected_on__year")
    )
    return list(years)


# --- The document ------------------------------------------------------------------------------------------------


def receipt_pdf(receipt: DonationReceipt) -> bytes:
    """The receipt as issued (its copied particulars only), after the Cerfa 16216 model."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body, title, head = styles["BodyText"], styles["Title"], styles["Heading4"]
    b, d = receipt.beneficiary, receipt.donor

    def para(text, style=body):
        return Paragraph(escape(str(text)), style)

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_("Reçu de don %(number)s") % {"number": receipt.number},
        author=b["name"],
    )
    story = []
    if receipt.is_cancelled:
        story.append(
            para(
                _("ANNULÉ le %(day)s — %(reason)s")
                % {"day": human_date(receipt.cancelled_on), "reason": receipt.cancel_reason},
                styles["Heading2"],
            )
        )
    identifier = " — ".join(
        part for part in (f"SIREN {b['siren']}" if b["siren"] else "", f"RNA {b['rna']}" if b["rna"] else "") if part
    )
    total = eur_text(receipt.total_eur)
    story += [
        para(_("Reçu des dons et versements effectués par les entreprises"), title),
        para(_("Article 238 bis du code général des impôts — modèle Cerfa n° 16216")),
        para(_("Reçu n° %(number)s") % {"number": receipt.number}),
        Spacer(1, 3 * mm),
        para(_("Organisme bénéficiaire"), head),
        para(_("Dénomination : %(v)s") % {"v": b["name"]}),
        para(_("Forme juridique : %(v)s") % {"v": b["legal_form"]}),
        para(_("Identification : %(v)s") % {"v": identifier}),
        para(_("Adresse : %(v)s") % {"v": b["address"]}),
        para(_("Objet : %(v)s") % {"v": b["purpose"]}),
        para(_("Qualité de l'organisme : %(v)s") % {"v": b["eligibility"]}),
        Spacer(1, 2 * mm),
        para(_("Entreprise donatrice"), head),
        para(_("Dénomination : %(v)s") % {"v": d["name"]}),
        para(_("Forme juridique : %(v)s") % {"v": d["legal_form"]}),
        para(_("SIREN : %(v)s") % {"v": d["siren"]}),
        para(_("Adresse : %(v)s") % {"v": d["address"]}),
        Spacer(1, 2 * mm),
        para(_("Dons reçus"), head),
        para(
            _(
                "Le bénéficiaire reconnaît avoir reçu, au titre des dons et versements ouvrant droit à réduction "
                "d'impôt, des dons en nature d'une valeur totale de ***%(total)s***, entre le %(first)s et le "
                "%(last)s (année %(year)s)."
            )
            % {
                "total": total,
                "first": human_date(receipt.first_gift_on),
                "last": human_date(receipt.last_gift_on),
                "year": receipt.year,
            }
        ),
        para(_("Forme du don : don en nature (produits agricoles remis au bénéficiaire).")),
        para(_("Nature du don : don en nature — produits agricoles frais, pesés à la collecte.")),
        Spacer(1, 2 * mm),
    ]
    grades = {"surplus": _("surplus"), "downgraded": _("déclassé"), "unsold": _("invendu")}
    data = [[_("Produit"), _("Nature"), _("Quantité (kg)"), _("€/kg"), _("Valeur"), _("Règle de valorisation")]]
    for line in receipt.lines:
        data.append(
            [
                line["product"],
                grades.get(line["grade"], line["grade"]),
                kg_text(line["kg"]),
                eur_text(line["eur_per_kg"]),
                eur_text(line["value"]),
                Paragraph(escape(line["rule"]), styles["BodyText"]),
            ]
        )
    data.append([_("Total"), "", "", "", total, ""])
    table = Table(data, colWidths=[32 * mm, 20 * mm, 24 * mm, 20 * mm, 26 * mm, 56 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (2, 1), (4, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 3 * mm),
        para(
            _(
                "Valorisation : au coût de revient du bien donné, déclaré par l'entreprise donatrice (article 238 bis "
                "1 du CGI ; BOI-BIC-RICI-20-30-10-20). Les produits qui ne pouvaient plus être vendus (invendus, "
                "déclassés) sont retenus à la valeur en stock déclarée par la ferme, à défaut à leur coût de revient. "
                "Les prix de vente de la conserverie ne sont jamais utilisés."
            )
        ),
        para(_("Le donateur n'a reçu aucune contrepartie (don sans contrepartie).")),
        para(
            _(
                "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à la "
                "réduction d'impôt prévue à l'article 238 bis du code général des impôts."
            )
        ),
        Spacer(1, 5 * mm),
        para(
            _("Fait à %(city)s, le %(day)s.") % {"city": b["city"], "day": human_date(receipt.issued_on)},
        ),
        para(_("%(name)s, %(role)s") % {"name": b["signatory_name"], "role": b["signatory_role"]}),
    ]
    if b.get("signature") and default_storage.exists(b["signature"]):
        with default_storage.open(b["signature"], "rb") as handle:
            story.append(Image(BytesIO(handle.read()), width=50 * mm, height=20 * mm, kind="proportional"))
    doc.build(story)
    return buffer.getvalue()


# --- The register ------------------------------------------------------------------------------------------------

REGISTER_HEADER = (
    "Numéro",
    "Année des dons",
    "Émis le",
    "Ferme",
    "Dénomination du donateur",
    "SIREN du donateur",
    "Premier don",
    "Dernier don",
    "Kilos",
    "Valeur (€)",
    "Statut",
    "Annulé le",
    "Motif",
    "Remplacé par",
)


def receipt_register(territory, year: int | None = None):
    """Every receipt issued in the territory (cancelled ones included), in number order (one query)."""
    receipts = DonationReceipt.objects.filter(territory=territory).select_related("producer", "replaced_by")
    if year is not None:
        receipts = receipts.filter(year=year)
    return receipts.order_by("year", "sequence")


def register_rows(receipts):
    for r in receipts:
        yield [
            r.number,
            r.year,
            r.issued_on,
            r.producer.name,
            r.donor["name"],
            r.donor["siren"],
            r.first_gift_on,
            r.last_gift_on,
            sum((Decimal(line["kg"]) for line in r.lines), Decimal("0")),
            r.total_eur,
            r.get_status_display(),
            r.cancelled_on,
            r.cancel_reason,
            r.replaced_by.number if r.replaced_by else "",
        ]
