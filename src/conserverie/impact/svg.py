"""The flower as a standalone SVG: one petal per dimension, its length proportional to the score.

Geometry (what the tests read back): the petals start at the centre (cx, cy); the petal of a dimension
with score s points at angle −90° + i × 360°/n (the first one straight up, then clockwise) and its tip is
at distance s/100 × R from the centre, where R = RADIUS × size. Each petal is one
`<path class="petal" data-score="s" d="M cx cy Q … tipx tipy Q … cx cy Z">`. The previous period's
petals, when given, are dashed outlines behind (class "petal-previous"). The picture scales to its
container (viewBox, no fixed pixel width), has a <title> and a <desc> for screen readers and no script.
"""

import math
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from conserverie.impact.scores import Flower

RADIUS = 0.34  # the longest petal (score 100), as a share of `size`
TRACK = "#d9d9d9"
INK = "#222222"


def _point(cx: float, cy: float, angle: float, radius: float) -> tuple[float, float]:
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _fmt(*numbers: float) -> str:
    return " ".join(f"{n:.2f}" for n in numbers)


def petal_path(cx: float, cy: float, angle: float, length: float, half_width: float) -> str:
    """A petal from the centre to its tip at `length` along `angle` (radians)."""
    tip = _point(cx, cy, angle, length)
    left = _point(cx, cy, angle - half_width, length * 0.75)
    right = _point(cx, cy, angle + half_width, length * 0.75)
    return f"M {_fmt(cx, cy)} Q {_fmt(*left)} {_fmt(*tip)} Q {_fmt(*right)} {_fmt(cx, cy)} Z"


def _wrap(text: str, width: int = 16) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[:4] or [""]


def _darker(colour: str) -> str:
    try:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return INK
    return "#{:02x}{:02x}{:02x}".format(*(int(v * 0.65) for v in (r, g, b)))


def flower_svg(
    flower: Flower,
    *,
    previous: Flower | None = None,
    size: int = 360,
    link: Callable | None = None,
    id_prefix: str = "fleur",
) -> str:
    """The SVG text of `flower` (and the outline of `previous`); `link(dimension)` makes petals links."""
    width, height = size * 1.6, size * 1.36
    cx, cy = width / 2, height / 2
    radius = size * RADIUS
    font = size * 0.042
    count = max(len(flower.dimensions), 1)
    step = 2 * math.pi / count
    half_width = min(step * 0.42, math.pi / 5)
    previous_scores = {d.dimension.pk: d.score for d in previous.dimensions} if previous else {}

    title = _("Fleur de l'utilité sociale — %(period)s") % {"period": flower.period.label}
    desc_parts = [
        _("%(name)s : %(score)s sur 100") % {"name": d.dimension.name, "score": d.score} for d in flower.dimensions
    ]
    if previous:
        desc_parts.append(_("Pointillés : %(period)s.") % {"period": previous.period.label})
    title_id, desc_id = f"{id_prefix}-titre", f"{id_prefix}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="impact-flower" '
        f'font-family="sans-serif" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape("; ".join(desc_parts))}</desc>',
    ]
    for i, _score in enumerate(flower.dimensions):
        angle = -math.pi / 2 + i * step
        out.append(
            f'<path class="petal-track" fill="none" stroke="{TRACK}" stroke-width="1" '
            f'd="{petal_path(cx, cy, angle, radius, half_width)}"/>'
        )
    for i, score in enumerate(flower.dimensions):
        angle = -math.pi / 2 + i * step
        pk = score.dimension.pk
        if pk in previous_scores:
            length = radius * previous_scores[pk] / 100
            out.append(
                f'<path class="petal-previous" fill="none" stroke="{INK}" stroke-width="1.5" '
                f'stroke-dasharray="4 3" data-score="{previous_scores[pk]}" '
                f'd="{petal_path(cx, cy, angle, length, half_width)}"/>'
            )
    for i, score in enumerate(flower.dimensions):
        angle = -math.pi / 2 + i * step
        dimension = score.dimension
        colour = dimension.colour or "#2e7d32"
        label = _("%(name)s : %(score)s sur 100") % {"name": dimension.name, "score": score.score}
        petal = (
            f'<path class="petal" fill={quoteattr(colour)} fill-opacity="0.85" stroke={quoteattr(_darker(colour))} '
            f'stroke-width="1.5" data-dimension="{dimension.pk}" data-score="{score.score}" '
            f'd="{petal_path(cx, cy, angle, radius * score.score / 100, half_width)}">'
            f"<title>{escape(label)}</title></path>"
        )
        if link is not None:
            petal = f"<a href={quoteattr(link(dimension))} aria-label={quoteattr(label)}>{petal}</a>"
        out.append(petal)
        out.append(_label(cx, cy, angle, radius + font * 1.2, font, dimension.name, score, link, dimension))
    out.append(f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{size * 0.025:.2f}" fill="#ffffff" stroke="{INK}"/>')
    out.append("</svg>")
    return "\n".join(out)


def _label(cx, cy, angle, distance, font, name, score, link, dimension) -> str:
    x, y = _point(cx, cy, angle, distance)
    cos = math.cos(angle)
    anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
    lines = _wrap(name)
    total = len(lines) + 1
    sin = math.sin(angle)
    # Above the flower the text grows upwards, below it downwards, at the sides it is centred.
    first_y = y - (total - 1) * font * 1.15 if sin < -0.3 else (y + font if sin > 0.3 else y - (total - 2) * font * 0.6)
    spans = [
        f'<tspan x="{x:.2f}" y="{first_y + n * font * 1.15:.2f}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    ]
    spans.append(
        f'<tspan x="{x:.2f}" y="{first_y + len(lines) * font * 1.15:.2f}" font-weight="bold">{score.score}/100</tspan>'
    )
    text = (
        f'<text class="petal-label" font-size="{font:.1f}" fill="{INK}" text-anchor="{anchor}">{"".join(spans)}</text>'
    )
    if link is not None:
        text = f"<a href={quoteattr(link(dimension))}>{text}</a>"
    return text
