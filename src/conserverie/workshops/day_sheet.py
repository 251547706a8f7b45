"""The workshop's day sheet (A4, ReportLab): the paper that replaces the tablet when there is no network or no
battery (docs/architecture.md §7, "The truck offline").

Three parts: the attendance sheet (feuille d'émargement) with the registered people and blank lines for the people
who come without signing up; the recipes to cook with what to bring per batch; the HACCP readings to take, one
line per recipe and jar format with the schedule's target and blanks for the thermometer and the clock. The sheet
is typed back in one screen (`views/day_sheet.py`, "paper_entry").
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

BLANK_LINES = 8  # lines for the people who come without signing up
READING_LINES = 3  # batches per recipe and format on one afternoon: one line each for the thermometer's reading
GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 1), (-1, -1), 7),
    ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
]


def _kg(value) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def day_sheet_pdf(workshop, registrations, recipes) -> bytes:
    """`registrations`: the live registrations (participant loaded), confirmed before waiting; `recipes`: the
    planned recipes with their ingredients (product, pantry item) and formats (jar format) prefetched."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_("Feuille du jour — %(w)s") % {"w": workshop.title},
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    cell = body.clone("cell", fontSize=10, leading=12)

    def para(text, style=cell):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    start = timezone.localtime(workshop.starts_at)
    end = timezone.localtime(workshop.ends_at)
    story = [
        Paragraph(escape(_("Feuille du jour — %(w)s") % {"w": workshop.title}), styles["Heading1"]),
        para(
            _("%(day)s, %(start)s–%(end)s · %(site)s, %(city)s")
            % {
                "day": date_format(start.date(), "l j F Y"),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "site": workshop.site.name,
                "city": workshop.site.city,
            },
            body,
        ),
        para(_("Animation : ________________________   Places : %(n)s") % {"n": workshop.capacity}, body),
        Spacer(1, 3 * mm),
        Paragraph(escape(_("1. Feuille d'émargement")), styles["Heading2"]),
        para(
            _(
                "Cochez « présent » et faites signer. Une personne venue sans inscription : son prénom, le nombre de "
                "personnes du foyer et son quartier, avec son accord."
            ),
            body,
        ),
    ]
    header = [_("N°"), _("Prénom"), _("Personnes"), _("Quartier"), _("Présent"), _("Signature")]
    rows = [[para(h) for h in header]]
    for number, registration in enumerate(registrations, start=1):
        participant = registration.participant
        name = participant.first_name + (f" ({_('attente')})" if registration.is_waiting else "")
        rows.append(
            [
                para(number),
                para(name),
                para(registration.party_size),
                para(participant.neighbourhood),
                para(_("oui") if registration.attended else ""),
                "",
            ]
        )
    first_blank = len(registrations) + 1
    for number in range(first_blank, first_blank + BLANK_LINES):
        rows.append([para(number), "", "", "", "", ""])
    table = Table(rows, colWidths=[w * mm for w in (10, 50, 22, 40, 18, 46)], repeatRows=1)
    table.setStyle(TableStyle(GRID))
    story += [table, Spacer(1, 5 * mm)]

    story.append(Paragraph(escape(_("2. Recettes et quantités à apporter")), styles["Heading2"]))
    if not recipes:
        story.append(para(_("Aucune recette prévue pour cet atelier."), body))
    headings = (_("Recette et format"), _("Barème"), _("Fournée"), _("°C lus"), _("min"), _("Heure"))
    readings = [[para(h) for h in headings]]
    for recipe in recipes:
        lines = [[para(_("Ingrédient")), para(_("Par fournée"))]]
        for ingredient in recipe.ingredients.all():
            what = ingredient.product or ingredient.pantry_item
            lines.append([para(what), para(_("%(kg)s kg") % {"kg": _kg(ingredient.kg_per_batch)})])
        for recipe_format in recipe.formats.all():
            lines.append(
                [
                    para(_("Bocaux vides : %(f)s") % {"f": recipe_format.jar_format.name}),
                    para(_("%(n)s bocaux") % {"n": recipe_format.jars_per_batch}),
                ]
            )
            target = _("%(treatment)s : %(t)s °C pendant %(m)s min au moins") % {
                "treatment": recipe_format.get_treatment_display(),
                "t": _kg(recipe_format.temperature_c),
                "m": recipe_format.minutes,
            }
            for batch in range(1, READING_LINES + 1):
                what = f"{recipe.code} · {recipe_format.jar_format.name}" if batch == 1 else ""
                readings.append(
                    [
                        para(what),
                        para(target if batch == 1 else ""),
                        para(_("Fournée %(n)s") % {"n": batch}),
                        "",
                        "",
                        "",
                    ]
                )
        part = Table(lines, colWidths=[110 * mm, 40 * mm])
        part.setStyle(TableStyle(GRID))
        story.append(
            KeepTogether(
                [
                    Paragraph(escape(f"{recipe.code} · {recipe.name}"), styles["Heading3"]),
                    part,
                    para(_("Fournées prévues : ______   Fournées faites : ______"), body),
                ]
            )
        )
    story += [Spacer(1, 5 * mm), Paragraph(escape(_("3. Relevés HACCP à prendre")), styles["Heading2"])]
    story.append(
        para(
            _(
                "Pour chaque fournée et chaque format : la température lue au cœur du stérilisateur et la durée de "
                "maintien. Un relevé sous le barème rend le lot non conforme : prévenez la coordination."
            ),
            body,
        )
    )
    if len(readings) > 1:
        table = Table(readings, colWidths=[w * mm for w in (44, 60, 22, 20, 16, 24)], repeatRows=1)
        table.setStyle(TableStyle(GRID))
        story.append(table)
    limits = [r for r in recipes if r.ph_limit is not None]
    for recipe in limits:
        story.append(
            para(
                _("pH de %(r)s (limite %(limit)s) : ________") % {"r": recipe.name, "limit": _kg(recipe.ph_limit)},
                body,
            )
        )
    story.append(para(_("Contrôle des fermetures le lendemain : bocaux contrôlés ______   mal fermés ______"), body))
    doc.build(story)
    return buffer.getvalue()
