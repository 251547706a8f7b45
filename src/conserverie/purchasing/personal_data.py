"""What the purchasing group holds on a person: memberships and orders (see people.privacy.PersonalData)."""

from django.db.models import Exists

from conserverie.people.privacy import PersonalData, iso, personal_data_register
from conserverie.purchasing.models import GroupMember, Order, OrderLine


def _export(p) -> list[dict]:
    members = GroupMember.objects.filter(participant=p).select_related("structure", "price_tier").order_by("pk")
    lines = (
        OrderLine.objects.filter(order__member__participant=p)
        .select_related("order__round", "item__lot", "item__jar_format")
        .order_by("order__round__pickup_day", "pk")
    )
    return [
        *[
            {
                "kind": "membership",
                "structure": m.structure.name,
                "status": m.status,
                "price_tier": m.price_tier.name if m.price_tier else "",
                "notify_email": m.notify_email,
                "notify_sms": m.notify_sms,
                "joined_at": iso(m.joined_at),
            }
            for m in members
        ],
        *[
            {
                "kind": "order",
                "round": line.order.round.title,
                "pickup_day": iso(line.order.round.pickup_day),
                "status": line.order.status,
                "lot": line.item.lot.code,
                "jar_format": line.item.jar_format.name,
                "ordered": line.quantity,
                "handed": line.handed,
            }
            for line in lines
        ],
    ]


def register() -> None:
    personal_data_register(
        PersonalData(
            key="purchasing_group",
            models=("purchasing.GroupMember", "purchasing.Order"),
            order=35,
            export=_export,
            recent=lambda person, since: Exists(
                Order.objects.filter(member__participant=person, created_at__gte=since)
            ),
        )
    )
