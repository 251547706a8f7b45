"""Properties of the recall contact list, on unsaved rows (no database): nothing lost, nothing merged wrongly."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.distribution.trace import LotsForward
from conserverie.people.models import Participant
from conserverie.production.models import ProductionLot
from conserverie.territories.models import Location, Structure

KINDS = list(Distribution.Kind)

line_specs = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(min_value=1, max_value=4),  # recipient number within its kind
        st.integers(min_value=1, max_value=3),  # lot number
        st.integers(min_value=1, max_value=12),  # jars
        st.integers(min_value=0, max_value=30),  # day offset
    ),
    max_size=40,
)


def build_line(kind, who, lot_number, jars, offset) -> DistributionLine:
    distribution = Distribution(kind=kind, date=date(2026, 6, 1) + timedelta(days=offset))
    distribution.location = Location(pk=100 + who, name=f"Boutique {who}")
    if kind == Distribution.Kind.PARTICIPANT:
        distribution.participant = Participant(pk=who, first_name=f"P{who}", phone=f"06 {who:02d}")
    elif kind == Distribution.Kind.INTERNAL:
        distribution.structure = Structure(pk=who, name=f"Centre {who}")
    elif kind == Distribution.Kind.PARTNER:
        distribution.partner = f"Partenaire {who}"
    line = DistributionLine(distribution=distribution, quantity=jars)
    line.lot = ProductionLot(pk=lot_number, code=f"LOT{lot_number}")
    return line


@settings(max_examples=60, deadline=None)
@given(line_specs)
def test_contacts_account_for_every_jar_and_every_recipient(specs):
    lines = [build_line(*spec) for spec in specs]
    contacts = LotsForward(lines=lines, stock=[]).contacts()
    assert sum(c.jars for c in contacts) == sum(line.quantity for line in lines)
    assert len(contacts) == len({(kind, who) for kind, who, *_rest in specs})
    for contact in contacts:
        label = contact.detail if contact.kind == Distribution.Kind.GROUP_SALE else contact.name
        who = int(label.rsplit(" ", 1)[-1].lstrip("P"))
        mine = [s for s in specs if s[0] == contact.kind and s[1] == who]
        assert contact.lots == {f"LOT{s[2]}" for s in mine}
        assert contact.last_date == max(date(2026, 6, 1) + timedelta(days=s[4]) for s in mine)
    order = [KINDS.index(c.kind) for c in contacts]
    assert order == sorted(order)
