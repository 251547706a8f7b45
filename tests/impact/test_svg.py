"""The flower SVG: valid XML, one petal per dimension whose length follows its score, accessible, no script."""

import math
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

from conserverie.impact.periods import Period
from conserverie.impact.scores import DimensionScore, Flower
from conserverie.impact.svg import RADIUS, flower_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SIZE = 360
SCORES = [100, 75, 50, 25, 0, 60]


def fake_flower(scores, period="2026", names=None):
    dimensions = [
        DimensionScore(
            SimpleNamespace(pk=i + 1, name=(names or {}).get(i, f"Dimension {i} <&>"), colour="#2e7d32"), score, []
        )
        for i, score in enumerate(scores)
    ]
    return Flower(None, Period.parse(period), dimensions)


def petals(svg_text, cls="petal"):
    root = ET.fromstring(svg_text)
    return root, [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("class") == cls]


def tip_distance(path, root) -> tuple[float, float]:
    """(distance of the tip from the centre, angle in degrees), read from the path's M … Q … tip Q … geometry."""
    numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", path.get("d"))]
    cx, cy, tip_x, tip_y = numbers[0], numbers[1], numbers[4], numbers[5]
    return math.hypot(tip_x - cx, tip_y - cy), math.degrees(math.atan2(tip_y - cy, tip_x - cx))


def test_valid_xml_with_one_petal_per_dimension():
    root, found = petals(flower_svg(fake_flower(SCORES), size=SIZE))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(found) == len(SCORES)
    assert [int(p.get("data-score")) for p in found] == SCORES


def test_petal_length_is_proportional_to_the_score():
    root, found = petals(flower_svg(fake_flower(SCORES), size=SIZE))
    radius = RADIUS * SIZE
    step = 360 / len(SCORES)
    for i, (path, score) in enumerate(zip(found, SCORES, strict=True)):
        length, angle = tip_distance(path, root)
        assert length == pytest.approx(radius * score / 100, abs=0.02)
        if score:
            assert (angle - (-90 + i * step)) % 360 == pytest.approx(0, abs=0.05) or (
                angle - (-90 + i * step)
            ) % 360 == pytest.approx(360, abs=0.05)
    lengths = [tip_distance(p, root)[0] for p in found]
    assert lengths[0] == pytest.approx(2 * lengths[2], abs=0.02)


def test_colours_labels_and_accessibility():
    text = flower_svg(fake_flower(SCORES), size=SIZE)
    root = ET.fromstring(text)
    assert root.get("viewBox")
    assert root.get("width") is None
    assert root.get("height") is None
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert "2026" in title.text
    assert "Dimension 0 <&> : 100 sur 100" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    labels = "".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Dimension 1" in labels
    assert "75/100" in labels
    assert all(p.get("fill") == "#2e7d32" for p in petals(text)[1])
    assert "<script" not in text
    assert "onclick" not in text.lower()
    assert "style=" not in text


def test_previous_period_as_dashed_outlines_and_links():
    current, before = fake_flower([80, 40]), fake_flower([50, 60], "2025")
    text = flower_svg(current, previous=before, link=lambda d: f"/petale/{d.pk}/?a=1&b=2", id_prefix="x")
    root, previous = petals(text, "petal-previous")
    assert [int(p.get("data-score")) for p in previous] == [50, 60]
    assert tip_distance(previous[0], root)[0] == pytest.approx(RADIUS * 360 * 0.5, abs=0.02)
    links = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert "/petale/1/?a=1&b=2" in links
    assert "2025" in root.find("svg:desc", NS).text


def test_long_names_wrap_and_an_empty_flower_is_still_valid():
    long_name = "Pouvoir d'agir des habitants et gouvernance participative"
    root = ET.fromstring(flower_svg(fake_flower([10], names={0: long_name})))
    spans = list(root.iter("{http://www.w3.org/2000/svg}tspan"))
    assert len(spans) >= 3
    assert all(len(s.text) <= 20 for s in spans)
    ET.fromstring(flower_svg(fake_flower([])))
