"""The printable pick-up list of a round's slot (A4, ReportLab), for the desk when the tablet is not there.

Each member's order with what they pay (price at their tier, deposit apart), a box to tick and a place to sign; then
the jars to prepare per item. Every sheet carries the round, the print date and « page n / total »
(`core/pdf_pages.py`, as the other PDFs of the platform); no date is ever cut across two lines (no-break spaces,
long words not split).
"""

from collections import Counter
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from conserverie.core.formats import french_number, human_date
from conserverie.core.pdf_pages import numbered_canvas, sheet_table
from conserverie.purchasing.services import item_name, unit_price_for

NBSP = "\xa0"


def _unbroken(text: str) -> str:
    return text.replace(" ", NBSP)


def _eur(value: Decimal) -> str:
    return f"{french_number(value, 2)}{NBSP}€"


def pickup_sheet_pdf(the_round, orders) -> bytes:
    """`orders`: the round's orders with their member and lines (`selectors.round_orders`)."""
    buffer = BytesIO()
    title = _("Liste de retrait — %(title)s") % {"title": the_round.title}
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=title,
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontSize=10, leading=13, splitLongWords=0)
    cell = styles["BodyText"].clone("cell", fontSize=9, leading=11, splitLongWords=0)

    def para(text, style=cell):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    day = _unbroken(human_date(the_round.pickup_day, "l j F Y"))
    hours = f"{the_round.pickup_start:%H:%M}{NBSP}–{NBSP}{the_round.pickup_end:%H:%M}"
    story = [
        Paragraph(escape(title), styles["Heading1"]),
        para(
            _("%(structure)s · %(day)s, %(hours)s · %(place)s")
            % {"structure": the_round.structure.name, "day": day, "hours": hours, "place": the_round.pickup_place},
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    header = [_("Membre"), _("Bocaux commandés"), _("À payer"), _("Remis"), _("Signature")]
    data = [[para(h) for h in header]]
    to_prepare = Counter()
    for order in orders:
        member = order.member
        lines, price, deposit = [], Decimal("0"), Decimal("0")
        for line in order.lines.all():
            item = line.item
            lines.append(f"{line.quantity} × {item_name(item)} ({item.jar_format.name})")
            price += unit_price_for(item, member) * line.quantity
            deposit += item.jar_format.deposit_eur * line.quantity
            to_prepare[(item_name(item), item.jar_format.name)] += line.quantity
        who = f"{member.participant.first_name} #{member.participant_id}"
        if member.price_tier_id:
            who += f"\n{member.price_tier.name}"
        done = "" if order.status == order.Status.READY else order.get_status_display()  # a box to tick
        data.append(
            [
                para(who),
                para("\n".join(lines)),
                para(_("%(price)s\n+ consigne %(deposit)s") % {"price": _eur(price), "deposit": _eur(deposit)}),
                para(done),
                para(""),
            ]
        )
    if len(data) == 1:
        story.append(para(_("Aucune commande à retirer."), body))
    else:
        widths = [38, 72, 30, 16, 30]  # 186 mm: A4 portrait less the margins
        table = sheet_table(data, widths, top=5, bottom=9)
        story.append(table)
        story += [Spacer(1, 5 * mm), Paragraph(escape(_("Bocaux à préparer")), styles["Heading3"])]
        story += [para(f"{n} × {name} ({fmt})", body) for (name, fmt), n in sorted(to_prepare.items())]
    story += [
        Spacer(1, 4 * mm),
        para(
            _(
                "Cochez ce qui est remis, puis enregistrez chaque retrait sur la page de retrait : les bocaux "
                "non retirés reviennent en stock après le créneau."
            ),
            body,
        ),
    ]
    doc.build(story, canvasmaker=numbered_canvas(title))
    return buffer.getvalue()
