"""A ruled table for long PDF documents (the HACCP register): ReportLab's `Table` look, a fraction of its cost.

`Grid` lays out and draws what `Table(data, colWidths=…, repeatRows=1)` with the style « GRID 0.25 grey, light grey
header, cells aligned at the top, one font for the header and one for the body » does: the same row heights, the
same positions of each string and paragraph, the same split between rows with the header repeated. So a document
keeps its pages and its text (tests/production/test_register_pdf_text.py compares them with `Table`'s).

Why not `Table`: it computes its layout again on every `wrap` (a `KeepTogether` asks two or three times), wraps each
paragraph again when it draws it, and keeps a style object per cell and a list of commands it replays; for a
season's register (150 small tables) that was more than half of the PDF's profile (issue 20). Here the layout is
computed once (the column widths are fixed) and the grid is drawn as one path.

A cell is a string that fits its column on one line (drawn as is), "" or a `Paragraph` (wrapped to the column).
"""

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph

PADDING_X, PADDING_Y = 6, 3  # Table's default cell padding (left and right, top and bottom)
BIG = 72000  # the height Table offers a cell's paragraph to wrap in


class Grid(Flowable):
    def __init__(self, header, rows, widths, *, font, bold, size, leading, line=0.25, line_colour=colors.grey):
        super().__init__()
        self.header, self.rows, self.widths = header, rows, widths
        self.font, self.bold, self.size, self.leading = font, bold, size, leading
        self.line, self.line_colour = line, line_colour
        self.columns = [0]
        for width in widths:
            self.columns.append(self.columns[-1] + width)
        self.width = self.columns[-1]
        self.hAlign = "CENTER"  # Table's default: centred in its frame, or overhanging both sides alike
        self.heights = [self._row_height(row) for row in [header, *rows]]
        self._place()

    def _row_height(self, row) -> float:
        tallest = 0
        for cell, width in zip(row, self.widths, strict=True):
            if isinstance(cell, Paragraph):
                _w, height = cell.wrap(width - 2 * PADDING_X, BIG - 2 * PADDING_Y)
            else:
                height = self.leading  # one line: a text with a line break comes as a Paragraph
            tallest = max(tallest, height + 2 * PADDING_Y)
        return tallest

    def _place(self) -> None:
        """Each row's top, from the bottom up with Table's compensated sum (the same coordinates to the last bit)."""
        tops, height, carry = [], 0, 0
        for row_height in reversed(self.heights):
            tops.append(height)
            step = row_height - carry
            total = height + step
            carry = (total - height) - step
            height = total
        tops.append(height)
        tops.reverse()
        self.tops = tops  # tops[i]: the top of row i; tops[i + 1] its bottom
        self.height = height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def split(self, available_width, available_height):
        """As Table.split with repeatRows=1: the rows that fit under the header here, the rest under it again. A
        frame a little narrower than the columns is let be, as Table does (rl_config.allowTableBoundsErrors)."""
        used, fit = 0, 0
        for row_height in self.heights:
            if used + row_height > available_height:
                break
            used += row_height
            fit += 1
        if fit <= 1:
            return []
        if fit == len(self.heights):
            return [self]
        options = {
            "font": self.font,
            "bold": self.bold,
            "size": self.size,
            "leading": self.leading,
            "line": self.line,
            "line_colour": self.line_colour,
        }
        return [
            Grid(self.header, self.rows[: fit - 1], self.widths, **options),
            Grid(self.header, self.rows[fit - 1 :], self.widths, **options),
        ]

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.lightgrey)
        canvas.rect(0, self.tops[0], self.width, self.tops[1] - self.tops[0], stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        # The plain cells run into one text object until a paragraph or the header's end comes (drawn in between,
        # so the page's text keeps the cells' order): a fraction of a drawString each. The font is the canvas's, set
        # as Table sets it; each cell ends its line (T*) as drawString does: a PDF reader reads the same lines.
        text, font = None, None
        for index, row in enumerate([self.header, *self.rows]):
            wanted = self.bold if index == 0 else self.font
            top = self.tops[index + 1] + self.heights[index] - PADDING_Y  # as Table sums it
            for cell, left in zip(row, self.columns, strict=False):
                if font != wanted:
                    if text is not None:
                        canvas.drawText(text)
                        text = None
                    canvas.setFont(wanted, self.size, self.leading)
                    font = wanted
                if isinstance(cell, Paragraph):
                    if text is not None:
                        canvas.drawText(text)
                        text = None
                    cell.drawOn(canvas, left + PADDING_X, top - cell.height)  # wrapped once, in __init__
                elif cell:
                    if text is None:
                        text = canvas.beginText(left + PADDING_X, top - self.size)
                    else:
                        text.setTextOrigin(left + PADDING_X, top - self.size)
                    text.textLine(cell)
        if text is not None:
            canvas.drawText(text)
        canvas.setLineCap(1)  # round, as Table's lines
        canvas.setLineJoin(1)
        canvas.setStrokeColor(self.line_colour)
        canvas.setLineWidth(self.line)
        path = canvas.beginPath()
        for y in self.tops:
            path.moveTo(0, y)
            path.lineTo(self.width, y)
        for x in self.columns:
            path.moveTo(x, self.tops[0])
            path.lineTo(x, self.tops[-1])
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()
