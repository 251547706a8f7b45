"""Figures read from the survey answers: results per question, and the values of survey-based indicators.

Small groups (docs/architecture.md §4.7): a figure computed from fewer than MIN_GROUP respondents is not given (None,
"suppressed"); a breakdown shown to a viewer or written in a report hides every cell of 1 to 4 answers ("< 5"),
plus one more cell when a single one is hidden (else the total would give it back), and the share of "yes"
when one of its cells is hidden.
Each function costs a fixed number of queries whatever the number of answers.

Definitions: a Likert or number question gives the mean of its answers; a yes/no question gives the share of
"yes" in percent (0–100) of those who answered it. Only responses dated inside the period count.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db.models import Avg, Count, Q

from conserverie.impact.models import Answer, Question, Response

MIN_GROUP = 5
HUNDRED = Decimal("100")
TWO_PLACES = Decimal("0.01")
LIKERT_VALUES = (1, 2, 3, 4, 5)


def _round(value) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def too_small(count: int | None) -> bool:
    """A group of 1 to 4 people: not shown outside the team (0 says nothing about anyone)."""
    return count is not None and 0 < count < MIN_GROUP


def survey_indicator_values(indicators, period) -> dict:
    """{indicator id: value or None} for the survey-based indicators among `indicators`, in one query.

    None when fewer than MIN_GROUP respondents answered the questions tied to the indicator in the period
    (suppressed, docs/architecture.md §4.7), or when no question is tied to it. When several questions of different
    kinds feed one
    indicator, the kind with the most respondents is used.
    """
    return survey_indicator_values_by_period(indicators, [period])[period.key]


def survey_indicator_values_by_period(indicators, periods) -> dict:
    """{period key: `survey_indicator_values` of that period} for several periods in ONE query (one filtered mean
    and count per period: the flower reads its period and the previous one, issue 20)."""
    ids = [i.pk for i in indicators]
    periods = list(periods)
    results = {period.key: dict.fromkeys(ids) for period in periods}
    if not ids:
        return results
    aggregates = {}
    for i, period in enumerate(periods):
        during = Q(response__answered_on__range=(period.start, period.end))
        aggregates[f"mean_{i}"] = Avg("value", filter=during)
        aggregates[f"people_{i}"] = Count("response_id", distinct=True, filter=during)
    rows = list(
        Answer.objects.filter(
            question__indicator_id__in=ids,
            question__kind__in=(Question.Kind.LIKERT, Question.Kind.YES_NO, Question.Kind.NUMBER),
            value__isnull=False,
            # Only the answers of the days the periods cover: the filtered means are the same, and the other
            # seasons' answers are not read (issue 20, n21: every season's were).
            response__answered_on__range=(min(p.start for p in periods), max(p.end for p in periods)),
        )
        .values("question__indicator_id", "question__kind")
        .annotate(**aggregates)
        .order_by("question__indicator_id", "question__kind")
    )
    for i, period in enumerate(periods):
        result = results[period.key]
        best = {}
        for row in rows:
            indicator_id = row["question__indicator_id"]
            if not row[f"people_{i}"]:
                continue
            if indicator_id not in best or row[f"people_{i}"] > best[indicator_id][f"people_{i}"]:
                best[indicator_id] = row
        for indicator_id, row in best.items():
            if row[f"people_{i}"] < MIN_GROUP:
                continue
            mean = Decimal(str(row[f"mean_{i}"]))
            result[indicator_id] = _round(mean * HUNDRED if row["question__kind"] == Question.Kind.YES_NO else mean)
    return results


@dataclass
class QuestionResult:
    question: Question
    answered: int  # people who answered this question
    suppressed: bool  # fewer than MIN_GROUP answers: nothing but the count's smallness is shown
    distribution: list = field(default_factory=list)  # Likert: [(1, n), …, (5, n)]; yes/no: [("oui", n), ("non", n)]
    mean: Decimal | None = None  # Likert and number
    median: Decimal | None = None  # number
    yes_share: Decimal | None = None  # yes/no, in percent
    texts: list = field(default_factory=list)  # free text, for the team only
    withheld: bool = False  # the breakdown would give a small cell back whatever is hidden: not shown at all


class Hidden:
    """A cell hidden so that a small one cannot be worked back (secondary suppression): it holds 5 or more, so it
    is written « masqué », never « < 5 » (issue 16 item 8: a count of 12 printed « < 5 » was a false figure)."""

    def __str__(self):
        from django.utils.translation import gettext

        return gettext("masqué")

    def __repr__(self):
        return "HIDDEN"


HIDDEN = Hidden()


def masked_cells(counts: list[int]) -> list:
    """The counts with every cell of 1 to 4 hidden (None, written « < 5 »), and more cells hidden (HIDDEN, written
    « masqué ») while the hidden ones could still be worked out from the total and the visible cells (secondary
    suppression): the smallest other non-empty cells first. None is returned when even hiding every non-empty cell
    leaves one value possible (6 answers split 5 and 1): the breakdown is then withheld altogether.
    """
    small = {i for i, n in enumerate(counts) if too_small(n)}
    extra: set = set()

    def shown():
        return [None if i in small else HIDDEN if i in extra else n for i, n in enumerate(counts)]

    if not small:
        return shown()
    others = sorted((n, i) for i, n in enumerate(counts) if n > 0 and i not in small)
    total = sum(counts)
    while recoverable(shown(), range(len(counts)), total):
        if not others:
            return None
        extra.add(others.pop(0)[1])
    return shown()


def solutions(shown: list, values, total: int, mean: Decimal | None = None) -> list[tuple]:
    """Every set of hidden counts that agrees with what is printed: the visible cells, the total and, when given,
    the mean rounded to 2 places. A small cell holds 1 to 4, a HIDDEN one 5 or more. What an attacker would try."""
    hidden = [i for i, n in enumerate(shown) if n is None or n is HIDDEN]
    if not hidden:
        return [()]
    left = total - sum(n for n in shown if isinstance(n, int))
    found = []

    def search(position, chosen, remaining):
        if position == len(hidden) - 1:
            last = remaining
            lowest = 5 if shown[hidden[position]] is HIDDEN else 1
            highest = remaining if shown[hidden[position]] is HIDDEN else 4
            if lowest <= last <= highest:
                found.append((*chosen, last))
            return
        small = shown[hidden[position]] is None
        for n in range(1, 5) if small else range(5, remaining + 1):
            if n <= remaining:
                search(position + 1, (*chosen, n), remaining - n)

    search(0, (), left)
    if mean is None:
        return found
    known = sum(v * n for v, n in zip(values, shown, strict=True) if isinstance(n, int))
    return [
        combo
        for combo in found
        if _round(Decimal(known + sum(values[i] * n for i, n in zip(hidden, combo, strict=True))) / total) == mean
    ]


def recoverable(shown: list, values, total: int, mean: Decimal | None = None) -> bool:
    """Whether a hidden cell has one possible value only, given what is printed (the attacker knows the rule: a
    « < 5 » cell holds 1 to 4, a « masqué » one 5 or more)."""
    hidden = [i for i, n in enumerate(shown) if n is None or n is HIDDEN]
    if not hidden:
        return False
    big = sum(1 for n in shown if n is HIDDEN)
    if big >= 3:  # three cells unbounded above: free to trade as soon as there is one unit of slack
        if mean is not None:
            return True  # not worth the search: the caller hides the mean
        small = len(hidden) - big
        left = total - sum(n for n in shown if isinstance(n, int))
        return left - small - 5 * big < 1
    found = solutions(shown, values, total, mean)
    return any(len({combo[k] for combo in found}) <= 1 for k in range(len(hidden)))


def question_results(survey, *, mask_small: bool, with_texts: bool, period=None) -> list[QuestionResult]:
    """The results of every question of `survey`: four queries, whatever the number of answers.

    `mask_small` hides cells of 1 to 4 answers (viewers, reports); `with_texts` gives the free-text answers
    (the team only: a free text may name someone).
    """
    questions = list(survey.questions.select_related("indicator").all())
    answers = Answer.objects.filter(question__survey=survey)
    if period is not None:
        answers = answers.filter(response__answered_on__range=(period.start, period.end))
    totals = dict(answers.values_list("question_id").annotate(n=Count("pk")).order_by())
    by_value = defaultdict(dict)
    for question_id, value, n in (
        answers.filter(value__isnull=False, question__kind__in=(Question.Kind.LIKERT, Question.Kind.YES_NO))
        .values_list("question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_value[question_id][int(value)] = n
    numbers = defaultdict(list)
    for question_id, value in answers.filter(value__isnull=False, question__kind=Question.Kind.NUMBER).values_list(
        "question_id", "value"
    ):
        numbers[question_id].append(value)
    texts = defaultdict(list)
    if with_texts:
        for question_id, text in (
            answers.filter(question__kind=Question.Kind.TEXT)
            .exclude(text="")
            .order_by("-response__answered_on", "-pk")
            .values_list("question_id", "text")
        ):
            texts[question_id].append(text)
    results = []
    for question in questions:
        n = totals.get(question.pk, 0)
        result = QuestionResult(question=question, answered=n, suppressed=n < MIN_GROUP)
        if n >= MIN_GROUP or not mask_small:
            _fill(result, by_value.get(question.pk, {}), numbers.get(question.pk, []), mask_small)
        if with_texts:
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return results


def _fill(result: QuestionResult, counts: dict, numbers: list, mask_small: bool) -> None:
    kind = result.question.kind
    if kind == Question.Kind.LIKERT:
        cells = [counts.get(v, 0) for v in LIKERT_VALUES]
        shown = masked_cells(cells) if mask_small else cells
        if shown is None:
            result.withheld = True
            return
        result.distribution = list(zip(LIKERT_VALUES, shown, strict=True))
        total = sum(counts.values())
        if total:
            result.mean = _round(Decimal(sum(v * n for v, n in counts.items())) / total)
            # The mean with the total and the visible cells could give the hidden ones back: then it is hidden too.
            if mask_small and recoverable(shown, LIKERT_VALUES, total, result.mean):
                result.mean = None
    elif kind == Question.Kind.YES_NO:
        yes, no = counts.get(1, 0), counts.get(0, 0)
        shown = masked_cells([yes, no]) if mask_small else [yes, no]
        if shown is None:
            result.withheld = True
            return
        result.distribution = [("oui", shown[0]), ("non", shown[1])]
        # The share with the total would give the hidden count back: hidden with it.
        if yes + no and None not in shown and HIDDEN not in shown:
            result.yes_share = _round(Decimal(yes) * HUNDRED / (yes + no))
    elif kind == Question.Kind.NUMBER and numbers:
        result.mean = _round(sum(numbers) / len(numbers))
        result.median = _round(median(numbers))


@dataclass
class SurveySummary:
    survey: object
    responses: int
    suppressed: bool
    questions: list


def surveys_in_period(territory, period, *, with_questions: bool = True) -> list[SurveySummary]:
    """The surveys of `territory` answered in `period`, each with its number of responses (for reports).

    Results are masked for small groups (docs/architecture.md §4.7); free texts are never included.
    """
    from conserverie.impact.models import Survey

    counts = dict(
        Response.objects.filter(survey__territory=territory, answered_on__range=(period.start, period.end))
        .values_list("survey_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    surveys = Survey.objects.filter(pk__in=counts).order_by("title", "pk")
    summaries = []
    for survey in surveys:
        n = counts[survey.pk]
        questions = []
        if with_questions and n >= MIN_GROUP:
            questions = [
                r
                for r in question_results(survey, mask_small=True, with_texts=False, period=period)
                if r.question.kind != Question.Kind.TEXT
            ]
        summaries.append(SurveySummary(survey=survey, responses=n, suppressed=n < MIN_GROUP, questions=questions))
    return summaries
