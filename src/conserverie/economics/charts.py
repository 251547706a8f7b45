"""The sensitivity chart drawn on the server as SVG coordinates: no JavaScript, no CDN, readable when printed."""

from decimal import Decimal

from django.utils.formats import number_format

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 28, 16, 48
COLOURS = ("#1b7f3b", "#c2410c", "#1d4ed8")  # green, orange, blue: told apart also by their dash pattern
DASHES = ("", "8 4", "2 4")


def _ticks(low: float, high: float, n: int = 5) -> list[float]:
    if high == low:
        return [low]
    step = (high - low) / (n - 1)
    return [low + i * step for i in range(n)]


def sensitivity_chart(curves: list[dict]) -> dict | None:
    """Lines of the result (cost per jar) against the change of each input, in % (−40 … +40)."""
    points = [(x, float(y)) for curve in curves for x, y in curve["curve"]]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x_low, x_high = min(xs), max(xs)
    y_low, y_high = min(ys), max(ys)
    if y_high == y_low:
        y_low, y_high = y_low - 1, y_high + 1
    pad = (y_high - y_low) * 0.05
    y_low, y_high = max(y_low - pad, 0), y_high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x):
        return LEFT + (x - x_low) / ((x_high - x_low) or 1) * plot_w

    def sy(y):
        return TOP + (1 - (y - y_low) / (y_high - y_low)) * plot_h

    lines = []
    for index, curve in enumerate(curves):
        coords = [(round(sx(x), 1), round(sy(float(y)), 1)) for x, y in curve["curve"]]
        lines.append(
            {
                "label": curve["label"],
                "colour": COLOURS[index % len(COLOURS)],
                "dash": DASHES[index % len(DASHES)],
                "points": " ".join(f"{x},{y}" for x, y in coords),
                "dots": coords,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "x_ticks": [{"x": round(sx(x), 1), "label": f"{x:+d} %" if x else "0"} for x in sorted(set(xs))],
        "y_ticks": [
            {"y": round(sy(y), 1), "label": number_format(Decimal(str(round(y, 2))), decimal_pos=2, use_l10n=True)}
            for y in _ticks(y_low, y_high)
        ],
        "lines": lines,
        "zero_x": round(sx(0), 1) if x_low <= 0 <= x_high else None,
    }
