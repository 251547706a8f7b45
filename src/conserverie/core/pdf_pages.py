"""Page footers for the platform's PDF documents (ReportLab): « page 2 / 5 » and the print date on every page.

A document an inspector files or an authority receives says on each sheet which page of how many it is and when it
was printed, so a missing or stale sheet shows. ReportLab knows the page count only once the story is laid out:
`numbered_canvas` keeps each page's drawing until the end, then writes the footers with the total (two passes over
the saved pages, no second layout).
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

FOOTER_FONT = ("Helvetica", 7.5)


def printed_on_text(now=None) -> str:
    now = timezone.localtime(now or timezone.now())
    return _("Imprimé le %(day)s à %(time)s") % {"day": date_format(now, "d/m/Y"), "time": date_format(now, "H:i")}


def numbered_canvas(left: str, now=None):
    """A canvas class for `doc.build(story, canvasmaker=…)`: `left` and the print date at the bottom left of each
    page, « page n / total » at the bottom right."""
    footer = f"{left} · {printed_on_text(now)}" if left else printed_on_text(now)

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont(*FOOTER_FONT)
            self.drawString(10 * mm, 6 * mm, footer)
            self.drawRightString(
                width - 10 * mm, 6 * mm, _("page %(n)s / %(total)s") % {"n": self._pageNumber, "total": total}
            )
            self.restoreState()

    return NumberedCanvas


def sheet_table(data, widths_mm, top: float = 5, bottom: float = 9) -> Table:
    """A ruled table for a sheet filled in by hand (a pick-up list, a round sheet): grid, grey header repeated on
    each page, rows tall enough (`top`, `bottom` points of padding) to tick or write in."""
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 1), (-1, -1), top),
                ("BOTTOMPADDING", (0, 1), (-1, -1), bottom),
            ]
        )
    )
    return table
