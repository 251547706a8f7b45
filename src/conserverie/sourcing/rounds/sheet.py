"""The driver's round sheet (A4, ReportLab): stops in order, with a blank to write the weighed kg."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from conserverie.core.formats import human_date
from conserverie.core.pdf_pages import sheet_table


def _farm_lines(producer) -> list[str]:
    """Name, place and, when the farm's record has them, its address, phone, pickup hours and access notes."""
    lines = [producer.name]
    address = producer.address
    lines.append(f"{address}, {producer.commune}" if address else producer.commune)
    if producer.phone:
        lines.append(_("Tél. %(phone)s") % {"phone": producer.phone})
    if producer.pickup_from and producer.pickup_until:
        lines.append(
            _("Collecte de %(start)s à %(end)s")
            % {"start": producer.pickup_from.strftime("%H:%M"), "end": producer.pickup_until.strftime("%H:%M")}
        )
    if producer.access_notes:
        lines.append(_("Accès : %(notes)s") % {"notes": producer.access_notes})
    return lines


def round_sheet_pdf(collection_round) -> bytes:
    """`collection_round` comes from round_views.get_round (its `route` holds the ordered stops)."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    cell = body.clone("cell", fontSize=9, leading=11)

    def para(text, style=cell):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    vehicle = collection_round.vehicle
    title = _("Feuille de tournée du %(day)s") % {"day": human_date(collection_round.date, "l j F Y")}
    facts = [
        _("Camion : %(vehicle)s") % {"vehicle": f"{vehicle.name} {vehicle.plate}".strip() if vehicle else "—"},
        _("Départ du dépôt : %(time)s") % {"time": collection_round.departure.strftime("%H:%M")}
        if collection_round.departure
        else "",
        _("%(km)s km prévus, environ %(duration)s")
        % {"km": collection_round.planned_km, "duration": collection_round.planned_duration},
        _("Dépôt : %(address)s") % {"address": collection_round.territory.address or collection_round.territory.name},
    ]
    header = [
        _("N°"),
        _("Arrivée"),
        _("Ferme"),
        _("Produit"),
        _("kg prévus"),
        _("kg pesés"),
    ]
    data = [[para(label) for label in header]]
    for stop in collection_round.route:
        offer = stop.offer
        weighed = stop.raw_lot.kg if stop.raw_lot_id else ("—" if stop.done else "")
        data.append(
            [
                para(stop.sequence),
                para(stop.planned_arrival.strftime("%H:%M") if stop.planned_arrival else ""),
                para("\n".join(_farm_lines(offer.producer))),
                para(f"{offer.product.name}\n{offer.get_grade_display()}"),
                para(stop.planned_kg),
                para(weighed),
            ]
        )
    widths = [10, 16, 70, 42, 20, 28]  # 186 mm: A4 portrait less the margins
    table = sheet_table(data, widths, top=6, bottom=10)
    story = [Paragraph(escape(title), styles["Heading1"])]
    story += [para(line, body) for line in facts if line]
    story += [Spacer(1, 4 * mm), table, Spacer(1, 6 * mm)]
    story.append(para(_("Km au compteur — départ : ________   retour : ________"), body))
    story.append(
        para(_("Chaque pesée devient un lot brut : notez le poids lu sur la balance, cagettes déduites."), body)
    )
    doc.build(story)
    return buffer.getvalue()
