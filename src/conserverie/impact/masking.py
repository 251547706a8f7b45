"""Small groups across the flower's indicators (docs/architecture.md §4.7, issue 16 item 8).

- Primary: a number of people of 1 to 4 is not printed (« < 5 »): households reached, people present, first-time
  and returning participants.
- Secondary: indicators that add up. A total and its parts printed as indicators of their own (or through a
  share: the share of households in a priority area with the number of households gives both the households in
  one and the others) would give a hidden part back as the total minus the visible parts. The rule of the survey
  breakdowns applies across indicators (`surveys.stats.recoverable`, the attacker's view: a « < 5 » cell holds 1
  to 4, a « masqué » one 5 or more): while a hidden cell still has one possible value, the smallest visible part is
  hidden too, and the total when no part is left to hide. A hidden total whose parts are all visible is their sum:
  one part is hidden with it.
"""

from decimal import ROUND_HALF_UP, Decimal

from conserverie.impact.surveys.stats import HIDDEN, recoverable, too_small

# Computations whose value is a number of people (a value of 1 to 4 is a small group).
PEOPLE_COUNTS = frozenset({"households", "people", "first_time", "returning"})
# (total, parts): the parts add up to the total.
ADDS_UP: tuple[tuple[str, tuple[str, ...]], ...] = (("households", ("households_priority", "households_other")),)
# Cells that no indicator prints as such but another indicator gives back: hiding the cell hides that indicator.
PRINTED_BY = {"households_priority": "priority_share", "households_other": "priority_share"}


def priority_parts(households: int, share_ratio) -> tuple[int, int]:
    """(households in a priority area, the others): what the share and the number of households give back."""
    inside = int((Decimal(str(share_ratio)) * households).to_integral_value(ROUND_HALF_UP))
    return inside, households - inside


def suppress(counts: dict[str, int], relations=ADDS_UP) -> set[str]:
    """The keys of `counts` (numbers of people) not to print: the small ones, and those that would give one back
    through a sum of `relations`."""
    small = {key for key, n in counts.items() if too_small(n)}
    extra: set[str] = set()

    def hidden(key):
        return key in small or key in extra

    def cell(key):
        return None if key in small else HIDDEN if key in extra else counts[key]

    def hide_smallest(parts) -> bool:
        visible = sorted((counts[p], p) for p in parts if not hidden(p) and counts[p] > 0)
        if not visible:
            return False
        extra.add(visible[0][1])
        return True

    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            if total not in counts or any(p not in counts for p in parts):
                continue
            if not any(hidden(key) for key in (total, *parts)):
                continue
            if hidden(total):
                if not any(hidden(p) for p in parts) and hide_smallest(parts):
                    changed = True
                continue
            while recoverable([cell(p) for p in parts], range(len(parts)), counts[total]):
                changed = True
                if not hide_smallest(parts):
                    extra.add(total)
                    break
    return small | extra


def hidden_computations(measures: dict) -> set[str]:
    """The computation keys of `measures` ({key: registry.Measure}) whose value must not be printed."""
    counts = {key: int(m.value) for key, m in measures.items() if key in PEOPLE_COUNTS and m.value is not None}
    share = measures.get("priority_share")
    if share is not None and share.parts is not None:
        counts["households_priority"], counts["households_other"] = share.parts
        counts.setdefault("households", sum(share.parts))  # printed by the report and the dashboard anyway
    return {PRINTED_BY.get(key, key) for key in suppress(counts)}
