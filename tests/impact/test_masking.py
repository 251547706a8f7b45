"""Small groups stay hidden and cannot be worked back (issue 16 item 8): what is printed is attacked the way a
reader would — every hidden cell must keep at least two possible values given the printed cells, total and mean;
and a cell written « < 5 » really holds 1 to 4 (a count of 12 printed « < 5 » was a false figure)."""

import random
import re
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.urls import reverse

from conserverie.impact.models import Question
from conserverie.impact.periods import Period
from conserverie.impact.reports.content import report_data
from conserverie.impact.surveys.stats import LIKERT_VALUES, QuestionResult, _fill

from .voices_data import answer, survey_world

YEAR = Period.year(2026)
TWO = Decimal("0.01")


def candidates(printed: list[str], values, total: int, mean: Decimal | None) -> list[set]:
    """An attacker's brute force, independent of the code under test: every value each hidden cell can hold.
    « < 5 » holds 1 to 4, « masqué » 5 or more; visible cells, the total and the printed mean must agree."""
    hidden = [i for i, p in enumerate(printed) if not p.isdigit()]
    known = {i: int(p) for i, p in enumerate(printed) if p.isdigit()}
    left = total - sum(known.values())
    ranges = [range(1, 5) if printed[i] == "< 5" else range(5, left + 1) for i in hidden]
    found = [set() for _ in hidden]

    def walk(k, chosen):
        if k == len(hidden):
            if sum(chosen) != left:
                return
            if mean is not None:
                weighted = sum(values[i] * n for i, n in known.items())
                weighted += sum(values[i] * n for i, n in zip(hidden, chosen, strict=True))
                if (Decimal(weighted) / total).quantize(TWO, rounding=ROUND_HALF_UP) != mean:
                    return
            for position, n in enumerate(chosen):
                found[position].add(n)
            return
        for n in ranges[k]:
            if sum(chosen) + n <= left:
                walk(k + 1, (*chosen, n))

    walk(0, ())
    return found


def printed_cells(result) -> list[str]:
    return ["< 5" if n is None else str(n) for _label, n in result.distribution]


def test_no_hidden_likert_cell_can_be_worked_back_from_the_cells_the_total_and_the_mean():
    """300 answer patterns of 5 to 40 people: whatever is printed leaves each hidden cell at least two values."""
    rng = random.Random(16)
    question = SimpleNamespace(kind=Question.Kind.LIKERT)
    attacked = withheld = 0
    for _ in range(300):
        counts = [rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 9, 12)) for _v in LIKERT_VALUES]
        total = sum(counts)
        if total < 5:
            continue
        result = QuestionResult(question=question, answered=total, suppressed=False)
        _fill(result, dict(zip(LIKERT_VALUES, counts, strict=True)), [], mask_small=True)
        if result.withheld:  # no breakdown printed at all
            assert result.distribution == []
            assert result.mean is None
            withheld += 1
            continue
        printed = printed_cells(result)
        for p, n in zip(printed, counts, strict=True):
            assert p != "< 5" or 0 < n < 5, (counts, printed)  # « < 5 » is never a false figure
            assert not p.isdigit() or int(p) == n
        if all(p.isdigit() for p in printed):
            continue
        attacked += 1
        for position, possible in enumerate(candidates(printed, LIKERT_VALUES, total, result.mean)):
            assert len(possible) >= 2, (counts, printed, result.mean, position, possible)
    assert attacked > 100
    assert withheld < attacked


def test_the_report_and_the_results_page_hide_small_cells_and_what_gives_them_back(chain, coordinator, client, viewer):
    """15 residents: Likert 1 ×6, 4 ×2, 5 ×7; yes 13, no 2. The 2 are « < 5 »; the 6 and the 13 are « masqué » (not
    « < 5 »); the mean would give the cells back (6·1 + 2·4 + 7·5 = 49 → 3.27 has one solution), so it is hidden."""
    world = survey_world(chain.territory, coordinator)
    for likert, times in ((1, 6), (4, 2), (5, 7)):
        for i in range(times):
            answer(world, likert=likert, yes=not (likert == 4 and i < 2))
    data = report_data(chain.territory, YEAR)
    (survey,) = data.surveys
    lines = dict(survey.lines)
    likert_line, yes_line = lines[world.likert.text], lines[world.yes_no.text]
    assert "1: masqué" in likert_line
    assert "4: < 5" in likert_line
    assert "5: 7" in likert_line
    assert "moyenne" not in likert_line
    assert "oui: masqué · non: < 5" in yes_line
    assert "%" not in yes_line
    printed = [re.search(rf"\b{v}: ([^·;]+)", likert_line).group(1).strip() for v in LIKERT_VALUES]
    printed = ["< 5" if p == "< 5" else p if p.isdigit() else "masqué" for p in printed]
    total = int(re.search(r"(\d+) réponses", likert_line).group(1))
    for possible in candidates(printed, LIKERT_VALUES, total, None):
        assert len(possible) >= 2
    client.force_login(viewer)
    page = client.get(reverse("surveys:results", args=[chain.territory.slug, world.survey.pk])).content.decode()
    cells = re.findall(r'data-testid="cell">([^<]*)<', page)
    assert cells[:5] == ["masqué", "0", "0", "&lt; 5", "7"]
    assert 'data-testid="mean"' not in page.split("Vous sentez-vous")[0]


def sum_candidates(printed: dict, relation, cap: int = 30) -> dict:
    """An attacker's brute force over indicators that add up (`relation`: a total and its parts): every value each
    hidden one can hold, given the printed ones and total = the sum of the parts (« < 5 » holds 1 to 4,
    « masqué » 5 or more; `cap` bounds the search well above the drawn counts)."""
    total, parts = relation

    def allowed(key, n):
        p = printed[key]
        return n == int(p) if p.isdigit() else 1 <= n <= 4 if p == "< 5" else n >= 5

    hidden = [p for p in parts if not printed[p].isdigit()]
    found = {k: set() for k in printed if not printed[k].isdigit()}

    def walk(position, chosen):
        if position == len(hidden):
            values = {p: int(printed[p]) for p in parts if printed[p].isdigit()} | chosen
            whole = sum(values[p] for p in parts)
            if allowed(total, whole):
                for k, n in chosen.items():
                    found[k].add(n)
                if total in found:
                    found[total].add(whole)
            return
        for n in range(1, 5) if printed[hidden[position]] == "< 5" else range(5, cap):
            walk(position + 1, {**chosen, hidden[position]: n})

    walk(0, {})
    return found


def test_no_hidden_indicator_can_be_worked_back_as_a_total_minus_the_visible_parts():
    """300 draws of indicators that add up (the households and the two parts the priority share gives back, and a
    total of three parts): counts of 1 to 4 are hidden, and whatever stays printed leaves every hidden one at least
    two values; a « < 5 » is never a false figure."""
    from conserverie.impact.masking import ADDS_UP, suppress
    from conserverie.impact.surveys.stats import too_small

    rng = random.Random(16)
    three = (("total", ("a", "b", "c")),)
    attacked = 0
    for draw in range(300):
        relations = ADDS_UP if draw % 2 else three
        parts = relations[0][1]
        counts = {p: rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 9, 12)) for p in parts}
        counts[relations[0][0]] = sum(counts.values())
        hidden = suppress(counts, relations)
        assert {k for k, n in counts.items() if too_small(n)} <= hidden
        printed = {k: ("< 5" if too_small(n) else "masqué") if k in hidden else str(n) for k, n in counts.items()}
        if not hidden:
            continue
        attacked += 1
        for key, possible in sum_candidates(printed, relations[0]).items():
            assert counts[key] in possible
            assert len(possible) >= 2, (counts, printed, key, possible)
    assert attacked > 100


def test_the_flower_hides_small_counts_and_the_share_that_gives_them_back():
    """30 households, 2 of them in a priority area (6.7 % would give the 2 back with the 30): the share is hidden;
    3 first-time participants are « < 5 »; 12 returning participants stay; 20 households with 10 in a QPV stay."""
    from conserverie.impact.masking import hidden_computations
    from conserverie.impact.registry import Measure

    measures = {
        "households": Measure(Decimal(30), 30),
        "priority_share": Measure(Decimal("6.7"), 30, (2, 28)),
        "first_time": Measure(Decimal(3), 15),
        "returning": Measure(Decimal(12), 15),
        "kg_saved": Measure(Decimal(3)),  # kilos, not people
    }
    assert hidden_computations(measures) == {"priority_share", "first_time"}
    measures["priority_share"] = Measure(Decimal("50.0"), 20, (10, 10))
    measures["households"] = Measure(Decimal(20), 20)
    assert hidden_computations(measures) == {"first_time"}
    measures["priority_share"] = Measure(Decimal("90.0"), 20, (18, 2))  # the 2 outside a QPV would be given back
    assert hidden_computations(measures) == {"first_time", "priority_share"}
