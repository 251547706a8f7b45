"""The purchasing group's pages: staff (members, rounds, order entry, closing, pick-up) and the members' space on a
phone (login by desk code or e-mail link, ordering). Query counts do not grow with the data; territory B never sees
A's group."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conserverie.core import sms
from conserverie.distribution.models import Distribution
from conserverie.purchasing.models import GroupMember, Order, Round
from conserverie.purchasing.services import member_desk_code, order_set, round_close

from ..pages import assert_flat_queries, text
from .world import add_member, group


@pytest.fixture
def g(chain):
    return group(chain)


@pytest.fixture
def staff(client, animator):
    client.force_login(animator)
    return client


def url(name, chain, *args):
    return reverse(name, args=[chain.territory.slug, *args])


def _more_members(chain, the_round, start):
    def grow(n):
        for _ in range(n):
            k = start[0] = start[0] + 1
            member = add_member(chain, f"Membre{k}", f"06 20 00 {k // 100:02d} {k % 100:02d}")
            order_set(actor=None, the_round=the_round, member=member, quantities={the_round.items.get().pk: 0})

    return grow


def test_staff_pages_answer_and_their_queries_do_not_grow(staff, chain, g, django_assert_num_queries):
    counter = [0]
    grow = _more_members(chain, g.round, counter)
    for name, args in [
        ("purchasing:rounds", ()),
        ("purchasing:members", ()),
        ("purchasing:round", (g.round.pk,)),
    ]:
        assert_flat_queries(staff, url(name, chain, *args), grow, django_assert_num_queries, n=2)
    assert_flat_queries(staff, url("purchasing:member", chain, g.amina.pk), lambda n: None, django_assert_num_queries)
    assert_flat_queries(staff, url("purchasing:round_new", chain), lambda n: None, django_assert_num_queries)


def test_pick_up_page_queries_do_not_grow_with_the_orders(staff, chain, g, django_assert_num_queries):
    members = iter(range(100))

    def grow(n):
        for _ in range(n):
            k = next(members)
            member = add_member(chain, f"Retrait{k}", f"06 30 00 00 {k:02d}")
            Order.objects.create(round=g.round, member=member, status=Order.Status.READY)

    order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    round_close(actor=chain.actor, the_round=g.round)
    assert_flat_queries(staff, url("purchasing:pickup", chain, g.round.pk), grow, django_assert_num_queries, n=2)


def test_staff_add_a_member_refused_inputs_are_kept_at_the_field(staff, chain):
    response = staff.post(
        url("purchasing:members", chain),
        {"structure": chain.structure.pk, "first_name": "Zoé", "phone": "12", "household_size": 2, "consent": "on"},
    )
    assert response.status_code == 422
    assert "Ce numéro de téléphone ne semble pas juste" in text(response)
    assert 'value="Zoé"' in text(response)
    assert not GroupMember.objects.exists()
    response = staff.post(
        url("purchasing:members", chain),
        {
            "structure": chain.structure.pk,
            "first_name": "Zoé",
            "phone": "06 12 34 56 78",
            "household_size": 2,
            "priority_area": "on",
            "notify_sms": "on",
            "consent": "on",
        },
    )
    member = GroupMember.objects.get()
    assert response.status_code == 302
    assert (member.status, member.notify_sms, member.participant.household.size) == ("active", True, 2)
    assert member.participant.household.priority_area


def test_staff_open_a_round_from_released_stock(staff, chain, g):
    page = staff.get(url("purchasing:round_new", chain))
    assert g.lot.code in text(page)
    now = timezone.localtime()
    data = {
        "structure": chain.structure.pk,
        "title": "Commande de juillet",
        "location": chain.truck.pk,
        "closes_day": (now + timedelta(days=2)).date().isoformat(),
        "closes_time": "20:00",
        "pickup_place": "Salle polyvalente",
        "pickup_day": (now + timedelta(days=3)).date().isoformat(),
        "pickup_start": "16:00",
        "pickup_end": "18:00",
        f"n_{g.lot.pk}_{chain.jar.pk}": "9",
        f"p_{g.lot.pk}_{chain.jar.pk}": "3,50",
    }
    refused = staff.post(url("purchasing:round_new", chain), data)
    assert refused.status_code == 422
    assert "4 bocal(aux) libre(s), 9 proposé(s)" in text(refused)
    assert 'value="Commande de juillet"' in text(refused)
    data[f"n_{g.lot.pk}_{chain.jar.pk}"] = "4"
    mail.outbox.clear()
    sms.outbox.clear()
    response = staff.post(url("purchasing:round_new", chain), data)
    assert response.status_code == 302
    the_round = Round.objects.get(title="Commande de juillet")
    assert the_round.items.get().offered == 4
    # Amina accepted SMS only, Bruno nothing: one message, by SMS.
    assert mail.outbox == []
    assert [m.to for m in sms.outbox] == ["+33610000001"]
    assert "commande groupée ouverte" in sms.outbox[0].text


def test_staff_enter_an_order_close_and_hand_over_at_pick_up(staff, chain, g):
    response = staff.post(url("purchasing:round", chain, g.round.pk), {"member": g.bruno.pk, f"q{g.item.pk}": "9"})
    assert response.status_code == 422
    assert "il reste 6 bocal(aux)" in text(response) or "inférieure ou égale à 6" in text(response)
    staff.post(url("purchasing:round", chain, g.round.pk), {"member": g.amina.pk, f"q{g.item.pk}": "3"})
    assert Order.objects.get().lines.get().quantity == 3
    response = staff.post(url("purchasing:round_act", chain, g.round.pk, "clore"))
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.status == Order.Status.READY
    page = staff.get(url("purchasing:pickup", chain, g.round.pk))
    assert "Amina" in text(page)
    assert "Avoir disponible : 0,00 €" in text(page)
    line = order.lines.get()
    posted = {"order": order.pk, f"h{line.pk}": "3", "payment_mode": "voucher", "empties": "2"}
    # Two empty jars kept as credit do not pay three deposits: refused at the field, nothing written.
    response = staff.post(url("purchasing:pickup", chain, g.round.pk), {**posted, "use_credit": "on"})
    assert response.status_code == 422
    assert "L'avoir de Amina (2,00 €) ne suffit pas pour les consignes (3,00 €)" in text(response)
    assert not Distribution.objects.exists()
    response = staff.post(url("purchasing:pickup", chain, g.round.pk), posted)
    assert response.status_code == 302
    sale = Distribution.objects.get()
    assert (sale.payment_mode, sale.lines.get().quantity) == ("voucher", 3)
    page = staff.get(url("purchasing:pickup", chain, g.round.pk))
    assert reverse("distribution:receipt", args=[chain.territory.slug, sale.pk]) in text(page)


def test_another_territorys_staff_see_nothing_of_the_group(client, other_coordinator, chain, g):
    client.force_login(other_coordinator)
    for name, args in [("purchasing:round", (g.round.pk,)), ("purchasing:member", (g.amina.pk,))]:
        assert client.get(url(name, chain, *args)).status_code == 404
        assert client.get(reverse(name, args=["vercors", *args])).status_code == 404


def test_a_member_signs_in_with_the_desk_code_and_orders_on_a_phone(client, chain, g, django_assert_num_queries):
    code = member_desk_code(actor=chain.actor, member=g.amina)
    assert client.get(reverse("purchasing_public:space")).status_code == 302
    wrong = client.post(reverse("purchasing_public:login"), {"form": "code", "code": "AAAA-AAAA"})
    assert wrong.status_code == 422
    assert "Ce code ne marche pas" in text(wrong)
    response = client.post(reverse("purchasing_public:login"), {"form": "code", "code": code.lower()})
    assert response.status_code == 302
    page = client.get(reverse("purchasing_public:space"))
    assert "2.00" in text(page) or "2,00" in text(page)  # the tier's price: half of 4.00
    response = client.post(reverse("purchasing_public:order", args=[g.round.pk]), {f"q{g.item.pk}": "2"})
    assert response.status_code == 302
    assert Order.objects.get(member=g.amina).lines.get().quantity == 2
    order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 3})
    too_many = client.post(reverse("purchasing_public:order", args=[g.round.pk]), {f"q{g.item.pk}": "6"})
    assert too_many.status_code == 422
    assert "il reste 1 bocal(aux)" in text(too_many)
    assert Order.objects.get(member=g.amina).lines.get().quantity == 2
    client.cookies["django_language"] = "ar"  # the same refusal, in the member's language
    too_many = client.post(reverse("purchasing_public:order", args=[g.round.pk]), {f"q{g.item.pk}": "6"})
    assert "بقي 1 مرطبان" in text(too_many)
    client.cookies["django_language"] = "fr"
    counter = [0]

    def grow(n):
        _more_members(chain, g.round, counter)(n)

    assert_flat_queries(client, reverse("purchasing_public:space"), grow, django_assert_num_queries)


def test_a_member_signs_in_with_an_email_link(client, chain, g, settings):
    member = add_member(chain, "Chloé", "", email="chloe@example.org", notify_email=True)
    mail.outbox.clear()
    unknown = client.post(reverse("purchasing_public:login"), {"form": "email", "email": "nobody@example.org"})
    known = client.post(reverse("purchasing_public:login"), {"form": "email", "email": "Chloe@Example.org"})
    assert text(unknown).count("un lien vient de partir") == text(known).count("un lien vient de partir") == 1
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/groupement/lien/\S+/", message.body).group(0)
    path = link[link.index("/groupement/") :]
    assert client.get(path).status_code == 302
    assert "Chloé" in text(client.get(reverse("purchasing_public:space")))
    assert client.session["group_member"] == member.pk
    client.post(reverse("purchasing_public:logout"))
    assert client.get(reverse("purchasing_public:space")).status_code == 302
    assert client.get("/groupement/lien/forged-token/").status_code == 302


def test_member_login_is_rate_limited(client, chain, g, settings):
    settings.RATELIMITS = {"member_login": "3/600"}
    codes = [client.post(reverse("purchasing_public:login"), {"form": "code", "code": "ZZZZZZZZ"}).status_code]
    codes += [
        client.post(reverse("purchasing_public:login"), {"form": "code", "code": "ZZZZZZZZ"}).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 422, 429]


def test_an_online_sign_up_is_pending_until_the_staff_validate(client, staff, chain, g):
    response = client.post(
        reverse("purchasing_public:join", args=[chain.structure.pk]),
        {"first_name": "Dalia", "phone": "06 40 00 00 01", "household_size": "3", "consent": "on"},
    )
    assert response.status_code == 200
    member = GroupMember.objects.get(participant__first_name="Dalia")
    assert member.status == GroupMember.Status.PENDING
    staff.post(url("purchasing:member", chain, member.pk), {"form": "edit", "price_tier": g.tier.pk})
    member.refresh_from_db()
    assert (member.status, member.price_tier) == (GroupMember.Status.ACTIVE, g.tier)


def test_a_member_never_sees_nor_orders_another_territorys_round(client, chain, other_chain, g):
    from ..helpers import released_lot
    from .world import open_round

    foreign = open_round(other_chain, released_lot(other_chain, jars=4), offered=2, title="Commande du Vercors")
    code = member_desk_code(actor=chain.actor, member=g.amina)
    client.post(reverse("purchasing_public:login"), {"form": "code", "code": code})
    page = client.get(reverse("purchasing_public:space"))
    assert g.round.title in text(page)
    assert "Commande du Vercors" not in text(page)
    response = client.post(reverse("purchasing_public:order", args=[foreign.pk]), {f"q{foreign.items.get().pk}": "1"})
    assert response.status_code == 404
    assert not Order.objects.filter(round=foreign).exists()


def test_the_members_list_searches_by_name_number_or_phone_filters_by_status_and_pages(staff, chain, other_chain, g):
    theirs = add_member(other_chain, "Amandine", "06 55 44 33 22")
    listed = url("purchasing:members", chain)

    def names(**params):
        page = staff.get(listed, params)
        assert page.status_code == 200
        return re.findall(r'/membres/\d+/">([^<#]+) #', page.content.decode())

    assert names(q="ami") == ["Amina"]
    assert names(q=f"#{g.amina.participant_id}") == ["Amina"]
    phone = g.amina.participant.phone  # stored as E.164; typed as on a French phone
    assert names(q="0" + phone[3:]) == ["Amina"]
    assert names(q="Amandine") == []  # another territory's member, by name or phone
    assert names(q="06 55 44 33 22") == []
    assert names(q=f"#{theirs.participant_id}") == []
    assert "Aucun membre ne correspond à cette recherche." in text(staff.get(listed, {"q": "personne"}))
    zelie = add_member(chain, "Zélie", "06 20 11 22 33")
    GroupMember.objects.filter(pk=zelie.pk).update(status=GroupMember.Status.PENDING)  # as an online request is
    assert names(statut="pending") == ["Zélie"]
    for k in range(30):
        add_member(chain, f"Membre{k:02d}", f"06 21 00 00 {k:02d}")
    first, second = names(), names(page=2)
    assert len(first) == 25
    assert second
    assert not set(first) & set(second)
