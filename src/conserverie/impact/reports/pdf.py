"""The PDF of a report (ReportLab): the flower drawn from the scores, a bar chart, tables and quotes.

The flower is drawn with reportlab.graphics from the same numbers as the SVG of svg.py (ReportLab does not
read SVG): petal i points at −90° + i × 360°/n (clockwise from the top), its tip at score/100 × R.
"""

import math

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Circle, Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from conserverie.impact.reports.content import ReportData, cell_text, fr_number, money, para

GRID = [
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f5e9")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]
GREEN = colors.HexColor("#2e7d32")


def _colour(value: str):
    try:
        return colors.HexColor(value)
    except (ValueError, TypeError):
        return GREEN


def _petal_points(cx, cy, angle, length, spread=0.32, steps=10) -> list[float]:
    """A closed petal outline from the centre to the tip, as a flat list of x, y (ReportLab's y goes up)."""
    if length <= 0:
        return []
    points = [cx, cy]
    side = []
    for i in range(1, steps + 1):
        t = i / steps
        radius = length * t
        offset = spread * math.sin(math.pi * t) * (1 - 0.3 * t)
        side.append((radius, offset))
    for radius, offset in side:
        points += [cx + radius * math.cos(angle - offset), cy - radius * math.sin(angle - offset)]
    for radius, offset in reversed(side[:-1]):
        points += [cx + radius * math.cos(angle + offset), cy - radius * math.sin(angle + offset)]
    return points


def flower_drawing(flower, size: float = 80 * mm) -> Drawing:
    """The petals of `flower` (filled) over those of the previous period (grey outlines)."""
    drawing = Drawing(size, size)
    cx = cy = size / 2
    radius = size * 0.46
    petals = flower.dimensions
    n = max(len(petals), 1)
    drawing.add(Circle(cx, cy, radius, fillColor=None, strokeColor=colors.HexColor("#d9d9d9"), strokeWidth=0.5))
    previous = {d.dimension.pk: d.score for d in (flower.previous.dimensions if flower.previous else [])}
    for i, petal in enumerate(petals):
        angle = math.radians(-90 + i * 360 / n)
        old = previous.get(petal.dimension.pk)
        if old:
            drawing.add(
                Polygon(
                    _petal_points(cx, cy, angle, radius * old / 100),
                    fillColor=None,
                    strokeColor=colors.grey,
                    strokeWidth=0.8,
                    strokeDashArray=[2, 2],
                )
            )
        points = _petal_points(cx, cy, angle, radius * petal.score / 100)
        if points:
            drawing.add(Polygon(points, fillColor=_colour(petal.dimension.colour), strokeColor=colors.white))
        tip = radius * max(petal.score, 12) / 100 + 7
        drawing.add(
            String(
                cx + tip * math.cos(angle),
                cy - tip * math.sin(angle) - 3,
                str(petal.score),
                fontName="Helvetica-Bold",
                fontSize=9,
                textAnchor="middle",
            )
        )
    drawing.add(Circle(cx, cy, 3, fillColor=colors.white, strokeColor=GREEN))
    return drawing


def scores_chart(flower, width: float = 170 * mm, height: float = 62 * mm) -> Drawing:
    """Each petal's score this period and the previous one, as bars."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, width - 150, height - 45
    current = [d.score for d in flower.dimensions] or [0]
    before = [d.score for d in flower.previous.dimensions] if flower.previous else [0] * len(current)
    chart.data = [before or [0], current]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.categoryAxis.categoryNames = [str(i + 1) for i in range(len(current))]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = "Helvetica"
    chart.bars[0].fillColor = colors.HexColor("#bdbdbd")
    chart.bars[1].fillColor = GREEN
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 110, height - 20
    legend.fontName, legend.fontSize = "Helvetica", 8
    previous_label = flower.previous.period.label if flower.previous else _("période précédente")
    legend.colorNamePairs = [(colors.HexColor("#bdbdbd"), previous_label), (GREEN, flower.period.label)]
    drawing.add(legend)
    return drawing


def _table(rows, widths, style):
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle(GRID))
    return table


def _cells(values, style):
    return [Paragraph(para(v), style) for v in values]


def build_pdf(data: ReportData, buffer) -> None:
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{data.title} — {data.subtitle}",
        author=data.territory.name,
    )
    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
    cell = body.clone("cell", fontSize=8, leading=10)
    quote = body.clone("quote", fontName="Helvetica-Oblique", fontSize=10, leading=13, leftIndent=8)
    story = [Paragraph(para(data.title), h1), Paragraph(para(data.subtitle), styles["Heading3"])]
    if data.intro:
        story.append(Paragraph(para(data.intro), body))
    story += [Paragraph(para(note), cell) for note in data.notes]

    story.append(Paragraph(para(_("Chiffres clés")), h2))
    story.append(
        _table([_cells((_("Chiffre"), _("Valeur")), cell)] + [_cells(r, cell) for r in data.figures], [110, 50], cell)
    )
    if data.contract is not None:
        story += contract_story(data, h2, body, cell)
    if "flower" in data.sections:
        story += flower_story(data, h2, cell)
    _rest(data, story, h2, body, cell, quote)
    doc.build(story)


def contract_story(data: ReportData, h2, body, cell) -> list:
    """The payment-by-results table of a Contrat d'impact social and the evaluator's sign-off."""
    contract = data.contract
    story = [Paragraph(para(_("Indicateurs du contrat et paiement aux résultats")), h2)]
    if not contract.rows:
        story.append(Paragraph(para(_("Aucun indicateur n'est encore retenu dans le contrat.")), body))
        return story
    header = (_("Indicateur"), _("Seuil"), _("Cible"), _("Valeur mesurée"), _("Paiement à la cible"), _("Paiement dû"))
    rows = [_cells(header, cell)]
    for r in contract.rows:
        measured = _("masqué (moins de 5 personnes)") if r.masked else fr_number(r.measured)
        unit = f" {r.unit}" if r.unit else ""
        rows.append(
            _cells(
                (
                    f"{r.indicator} ({r.direction})",
                    fr_number(r.threshold) + unit,
                    fr_number(r.target) + unit,
                    measured + (unit if r.measured is not None else ""),
                    money(r.payment),
                    money(r.due),
                ),
                cell,
            )
        )
    rows.append(_cells((_("Total"), "", "", "", money(contract.total_payment), money(contract.total_due)), cell))
    story.append(_table(rows, [54, 20, 20, 26, 27, 27], cell))
    story.append(
        Paragraph(
            para(
                _(
                    "Règle : rien n'est dû au seuil ou en deçà, le paiement entier à la cible ou au-delà, en "
                    "proportion entre les deux. Une valeur masquée ou inconnue ne déclenche aucun paiement."
                )
            ),
            cell,
        )
    )
    sign = contract.sign_off
    if sign is None:
        text = _("Validation de l'évaluateur : pas encore donnée pour cette période.")
    else:
        text = _("Validé par %(who)s (%(org)s) le %(day)s.") % {
            "who": sign.evaluator,
            "org": sign.organisation,
            "day": cell_text(sign.signed_on),
        }
        if sign.statement:
            text += " " + _("Avis : %(s)s") % {"s": sign.statement}
    story.append(Paragraph(f"<b>{para(text)}</b>", body))
    return story


def flower_story(data: ReportData, h2, cell) -> list:
    story = [Paragraph(para(_("La fleur de l'utilité sociale")), h2)]
    legend = [_cells((_("Pétale"), _("Score"), _("Avant")), cell)]
    previous = {d.dimension.pk: d.score for d in (data.flower.previous.dimensions if data.flower.previous else [])}
    for i, petal in enumerate(data.flower.dimensions, start=1):
        before = previous.get(petal.dimension.pk)
        legend.append(
            _cells((f"{i}. {petal.dimension.name}", f"{petal.score}/100", "—" if before is None else str(before)), cell)
        )
    flower_row = Table(
        [[flower_drawing(data.flower), _table(legend, [58, 15, 14], cell)]], colWidths=[84 * mm, 90 * mm]
    )
    flower_row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [flower_row, Spacer(1, 3 * mm), scores_chart(data.flower)]
    story.append(Paragraph(para(_("Pétales pleins : cette période ; contours gris : la période précédente.")), cell))
    return story


def _rest(data: ReportData, story, h2, body, cell, quote) -> None:
    if data.destinations is not None:
        table = data.destinations
        story.append(Paragraph(para(table.title), h2))
        if table.rows:
            rows = [_cells(table.columns, cell)] + [_cells([cell_text(v) for v in r], cell) for r in table.rows]
            story.append(_table(rows, [50, 60, 25, 30], cell))
        else:
            story.append(Paragraph(para(_("Rien sur cette période.")), body))

    if "indicators" in data.sections:
        story.append(Paragraph(para(_("Indicateurs et évolution")), h2))
        header = (_("Dimension"), _("Indicateur"), _("Valeur"), _("Unité"), _("Cible"), _("Avant"), _("Évolution"))
        rows = [_cells(header, cell)]
        rows += [
            _cells((r.dimension, r.name, r.value, r.unit, r.target, r.previous, r.trend), cell) for r in data.indicators
        ]
        story.append(_table(rows, [32, 44, 18, 16, 16, 18, 30], cell))
    if "quotes" in data.sections:
        _quotes(data, story, h2, body, cell, quote)
    if "surveys" in data.sections:
        _surveys(data, story, h2, body, cell)


def _quotes(data: ReportData, story, h2, body, cell, quote) -> None:
    story.append(Paragraph(para(_("Paroles d'habitants et de partenaires")), h2))
    if not data.quotes:
        story.append(Paragraph(para(_("Aucune citation retenue pour cette période.")), body))
    for q in data.quotes:
        who = " — ".join(part for part in (q.who, q.occasion, q.when) if part)
        story.append(
            KeepTogether(
                [
                    Paragraph(f"« {para(q.text)} »", quote),
                    Paragraph(para(who) + (f" <i>({para(q.dimensions)})</i>" if q.dimensions else ""), cell),
                    Spacer(1, 2 * mm),
                ]
            )
        )


def _surveys(data: ReportData, story, h2, body, cell) -> None:
    story.append(Paragraph(para(_("Questionnaires")), h2))
    if not data.surveys:
        story.append(Paragraph(para(_("Aucune réponse à un questionnaire sur cette période.")), body))
    for s in data.surveys:
        count = _("%(audience)s, %(n)s réponses") % {"audience": s.audience, "n": s.responses}
        story.append(Paragraph(f"<b>{para(s.title)}</b> — {para(count)}", body))
        if s.lines:
            rows = [_cells((_("Question"), _("Résultat")), cell)] + [_cells(line, cell) for line in s.lines]
            story.append(_table(rows, [80, 94], cell))
        elif s.responses == "< 5":
            story.append(Paragraph(para(_("Moins de 5 réponses : résultats non diffusés.")), cell))
