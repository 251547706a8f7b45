"""The producer's own space at /producteur/: its farm's offers, a surplus form, aggregated outcome only."""

from datetime import timedelta
from decimal import Decimal

import pytest

from conserverie.figures.farms import produce_outcome
from conserverie.producers.models import SurplusOffer
from conserverie.producers.services import offer_declare, producer_create
from conserverie.territories.models import Role
from conserverie.workshops.services import participant_create

from ..conftest import DAY, make_user
from ..pages import add_lots, add_offers, assert_flat_queries, row_counts, text

URL = "/producteur/"


def offer_post(chain, **extra):
    data = {
        "product": chain.tomato.pk,
        "kg_estimated": "45",
        "grade": "downgraded",
        "mode": "collect",
        "available_from": DAY.isoformat(),
        "available_until": (DAY + timedelta(days=4)).isoformat(),
        "note": "Tomates tachées",
    }
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def year_of_day(clock):
    clock(DAY)


@pytest.fixture
def farmer(chain):
    return make_user("fermiere", chain.territory, Role.PRODUCER, producer=chain.farm)


@pytest.fixture
def farmer_client(client, farmer):
    client.force_login(farmer)
    return client


@pytest.fixture
def neighbour(chain, coordinator):
    """A second farm of the same territory, with an offer of its own."""
    farm = producer_create(
        actor=coordinator,
        territory=chain.territory,
        name="Ferme du Voisin",
        commune="Génissieux",
        lat=Decimal("45.08"),
        lon=Decimal("5.08"),
        distance_km=Decimal("4.0"),
    )
    offer_declare(
        actor=coordinator,
        territory=chain.territory,
        producer=farm,
        product=chain.tomato,
        kg_estimated=Decimal("777"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=DAY,
        available_until=DAY + timedelta(days=2),
    )
    return farm


def test_the_page_lists_the_farm_offers_with_their_status(farmer_client, chain):
    add_offers(chain, 2)
    SurplusOffer.objects.filter(kg_estimated=Decimal("21")).update(status=SurplusOffer.Status.DECLINED)
    response = farmer_client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert chain.farm.name in page
    assert "Proposer un surplus" in page
    assert "Proposée" in page
    assert "Refusée" in page
    assert page.index("21 kg") < page.index("20 kg")  # newest first


def test_the_outcome_panel_counts_kg_lots_and_jars_of_this_farm(farmer_client, chain):
    add_lots(chain, 2, jars=10)
    response = farmer_client.get(URL)
    assert response.context["outcome"] == {
        "year": DAY.year,
        "kg": Decimal("100"),
        "lots": 2,
        "jars": 20,
        "households": "moins de 5",
    }


def test_the_outcome_of_a_farm_without_produce_is_zero(farmer_client, chain, neighbour):
    add_lots(chain, 1)
    outcome = produce_outcome(neighbour, DAY.year)
    assert outcome == {"year": DAY.year, "kg": 0, "lots": 0, "jars": 0, "households": "moins de 5"}


def test_declaring_an_offer_lists_it_as_proposed(farmer_client, farmer, chain):
    response = farmer_client.post(URL, offer_post(chain), follow=True)
    assert response.status_code == 200
    offer = SurplusOffer.objects.get()
    assert offer.producer == chain.farm
    assert offer.created_by == farmer
    assert offer.status == SurplusOffer.Status.PROPOSED
    assert offer.kg_estimated == Decimal("45")
    assert "Offre enregistrée" in text(response)
    assert "Proposée" in text(response)


def test_a_negative_weight_is_refused_at_its_field_and_nothing_is_written(farmer_client, chain):
    before = row_counts()
    response = farmer_client.post(URL, offer_post(chain, kg_estimated="-5"))
    assert response.status_code == 422
    assert response.context["form"].errors["kg_estimated"]
    assert "Tomates tachées" in text(response)
    assert row_counts() == before


def test_a_zero_weight_is_refused_by_the_service_at_its_field(farmer_client, chain):
    response = farmer_client.post(URL, offer_post(chain, kg_estimated="0"))
    assert response.status_code == 422
    assert response.context["form"].errors["kg_estimated"] == ["Indiquez un poids supérieur à zéro."]
    assert not SurplusOffer.objects.exists()


def test_dates_in_the_wrong_order_are_refused_and_nothing_is_written(farmer_client, chain):
    before = row_counts()
    response = farmer_client.post(URL, offer_post(chain, available_until=(DAY - timedelta(days=1)).isoformat()))
    assert response.status_code == 422
    assert response.context["form"].errors["available_until"] == ["La fin de disponibilité doit suivre le début."]
    assert "Tomates tachées" in text(response)
    assert row_counts() == before


def test_another_farm_offers_are_invisible(farmer_client, chain, neighbour, other_chain):
    add_offers(other_chain, 1)
    page = text(farmer_client.get(URL))
    assert "777" not in page
    assert neighbour.name not in page
    assert other_chain.farm.name not in page
    assert list(farmer_client.get(URL).context["page"]) == []


def test_a_forged_producer_id_cannot_declare_for_another_farm(farmer_client, chain, neighbour):
    farmer_client.post(URL, offer_post(chain, producer=neighbour.pk))
    assert SurplusOffer.objects.filter(producer=neighbour).count() == 1  # only the neighbour's own offer
    assert SurplusOffer.objects.filter(producer=chain.farm).count() == 1


def test_no_participant_is_ever_shown(farmer_client, chain, coordinator):
    participant_create(territory=chain.territory, first_name="Zéphirine", consent=True)
    add_lots(chain, 1)
    assert "Zéphirine" not in text(farmer_client.get(URL))


@pytest.mark.parametrize("who", ["coordinator", "animator", "viewer", "producer_without_farm"])
def test_a_person_without_a_farm_gets_404(client, chain, request, who):
    if who == "producer_without_farm":
        user = make_user("sans-ferme", chain.territory, Role.PRODUCER)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, offer_post(chain)).status_code == 404
    assert not SurplusOffer.objects.exists()


def test_anonymous_is_sent_to_login(client, chain):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_workspace_sends_a_producer_to_the_producer_space(farmer_client):
    response = farmer_client.get("/espace/")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_the_navbar_links_to_the_person_space(farmer_client):
    assert 'href="/espace/"' in farmer_client.get(URL).content.decode()


def test_query_count_does_not_grow(farmer_client, chain, django_assert_num_queries):
    def grow(n):
        add_offers(chain, n)
        add_lots(chain, n)

    # 11, then issue 16: what the farm received (kg by terms, purchases, jars returned, receipts, its territory)
    # in place of the certificate years, and the outcome's share of each lot (one query more).
    assert assert_flat_queries(farmer_client, URL, grow, django_assert_num_queries) == 15


# Photo, status timeline, isolation by id


def png_bytes(size=(4, 3)) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_offer_with_a_photo_keeps_it_under_a_random_name(farmer_client, chain, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("mes tomates.png", png_bytes(), content_type="image/png")
    assert farmer_client.post(URL, offer_post(chain, photo=photo)).status_code == 302
    offer = SurplusOffer.objects.get()
    assert offer.photo.name.startswith("offers/")
    assert offer.photo.name.endswith(".png")
    assert "mes tomates" not in offer.photo.name
    assert (media / offer.photo.name).exists()
    response = farmer_client.get(f"{URL}offres/{offer.pk}/photo/")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a photo", "Ce fichier n'est pas une photo lisible (JPEG ou PNG)."),
        ("gif", "Envoyez une photo au format JPEG ou PNG."),
        ("big", "La photo dépasse 5 Mo : envoyez une image plus légère."),
    ],
)
def test_a_bad_photo_is_refused_at_its_field_and_nothing_is_written(farmer_client, chain, media, content, message):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    if content == "gif":
        buffer = BytesIO()
        Image.new("RGB", (2, 2)).save(buffer, format="GIF")
        content = buffer.getvalue()
    elif content == "big":
        content = png_bytes() + b"\0" * (5 * 1024 * 1024)
    before = row_counts()
    photo = SimpleUploadedFile("x.png", content, content_type="image/png")
    response = farmer_client.post(URL, offer_post(chain, photo=photo))
    assert response.status_code == 422
    assert response.context["form"].errors["photo"] == [message]
    assert row_counts() == before
    assert not list(media.rglob("*.*"))


def test_the_offer_page_shows_the_status_steps_and_the_coordination_message(farmer_client, chain):
    from conserverie.producers.services import offer_accept, offer_decline

    coordinator = make_user("decideuse-42", chain.territory, Role.COORDINATOR)
    farmer_client.post(URL, offer_post(chain))
    offer = SurplusOffer.objects.get()
    offer_accept(actor=coordinator, offer=offer)
    offer_decline(actor=coordinator, offer=offer, message="Le camion est en panne, désolés")
    response = farmer_client.get(f"{URL}offres/{offer.pk}/")
    assert [e["status"] for e in response.context["timeline"]] == ["proposed", "accepted", "declined"]
    page = text(response)
    assert "Refusée" in page
    assert "Message de la coordination :" in page
    assert "Le camion est en panne, désolés" in page
    assert coordinator.username not in page


def test_the_list_links_each_offer_to_its_page(farmer_client, chain):
    farmer_client.post(URL, offer_post(chain))
    offer = SurplusOffer.objects.get()
    assert f'href="/producteur/offres/{offer.pk}/"' in farmer_client.get(URL).content.decode()


def test_another_farm_offer_ids_answer_404(farmer_client, chain, neighbour, other_chain, media):
    add_offers(other_chain, 1)
    for offer in SurplusOffer.objects.exclude(producer=chain.farm):
        assert farmer_client.get(f"{URL}offres/{offer.pk}/").status_code == 404
        assert farmer_client.get(f"{URL}offres/{offer.pk}/photo/").status_code == 404
    assert farmer_client.get(f"{URL}offres/999999/").status_code == 404


def test_an_offer_without_photo_has_no_photo_url(farmer_client, chain):
    farmer_client.post(URL, offer_post(chain))
    offer = SurplusOffer.objects.get()
    assert farmer_client.get(f"{URL}offres/{offer.pk}/photo/").status_code == 404


def test_staff_see_the_photo_of_their_territory_only(client, chain, other_chain, animator, farmer_client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    farmer_client.post(URL, offer_post(chain, photo=SimpleUploadedFile("t.png", png_bytes())))
    offer = SurplusOffer.objects.get()
    client.force_login(animator)
    assert client.get(f"/t/romans/offres/{offer.pk}/photo/").status_code == 200
    assert client.get(f"/t/vercors/offres/{offer.pk}/photo/").status_code == 404


def test_offer_page_query_count_does_not_grow(farmer_client, chain, coordinator, django_assert_num_queries):
    from conserverie.producers.services import offer_accept, offer_decline

    farmer_client.post(URL, offer_post(chain))
    offer = SurplusOffer.objects.get()

    def grow(n):
        for _ in range(n):  # more history rows
            SurplusOffer.objects.filter(pk=offer.pk).update(status="proposed")
            offer_decline(actor=coordinator, offer=offer_accept(actor=coordinator, offer=offer), message="Non")

    assert_flat_queries(farmer_client, f"{URL}offres/{offer.pk}/", grow, django_assert_num_queries)


def test_an_offer_refused_by_the_model_leaves_no_photo_on_disk(chain, farmer, media):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conserverie.producers.services import offer_declare as declare

    with pytest.raises(ValidationError):
        declare(
            actor=farmer,
            territory=chain.territory,
            producer=chain.farm,
            product=chain.tomato,
            kg_estimated=Decimal("5"),
            grade="pourri",
            available_from=DAY,
            available_until=DAY,
            photo=SimpleUploadedFile("t.png", png_bytes()),
        )
    assert not list(media.rglob("*.*"))
    assert not SurplusOffer.objects.exists()
