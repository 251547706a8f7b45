"""iCalendar feeds: parsed back with icalendar, every property checked (RFC 5545)."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from conserverie.territories.models import Site
from conserverie.workshops.models import Workshop

from ..pages import add_workshops, assert_flat_queries
from .public_data import add_future_workshops, future_workshop, place_on_map

FEED = "/ateliers.ics"


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert "Conserverie" in str(calendar["PRODID"])
    return calendar, list(calendar.walk("VEVENT"))


def test_feed_holds_each_upcoming_workshop_with_its_place(client, chain, settings):
    settings.SITE_URL = "https://conserverie.example.org"
    place_on_map(chain)
    add_workshops(chain, 1)  # past: not in the feed
    workshop = future_workshop(chain, days=5, title="Confitures de prunes")
    calendar, (event,) = events(client.get(FEED))
    assert str(calendar["X-WR-CALNAME"]) == "Ateliers de la conserverie"
    assert str(event["UID"]) == f"workshop-{workshop.pk}-rom@conserverie"
    assert str(event["SUMMARY"]) == "Confitures de prunes"
    assert event.decoded("DTSTART") == workshop.starts_at
    assert event.decoded("DTEND") == workshop.ends_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    stamp = event.decoded("DTSTAMP")
    assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=5)
    assert str(event["LOCATION"]) == "Place du marché Romans, place Jules-Nadi, Romans"
    geo = event["GEO"]
    assert (round(geo.latitude, 6), round(geo.longitude, 6)) == (45.043512, 5.051234)
    assert str(event["URL"]) == f"https://conserverie.example.org/ateliers/{workshop.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Maison de quartier Romans" in str(event["DESCRIPTION"])


def test_uid_is_stable_from_one_download_to_the_next(client, chain):
    future_workshop(chain)
    _, (first,) = events(client.get(FEED))
    _, (second,) = events(client.get(FEED))
    assert first["UID"] == second["UID"]


def test_a_site_without_coordinates_has_no_geo_and_a_cancelled_workshop_says_so(client, chain):
    workshop = future_workshop(chain)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    _, (event,) = events(client.get(FEED))
    assert "GEO" not in event
    assert str(event["STATUS"]) == "CANCELLED"


def test_site_feed_holds_only_that_site(client, chain):
    place_on_map(chain)
    other_site = Site.objects.create(
        territory=chain.territory, name="Place du village", kind=Site.Kind.VILLAGE, city="Peyrins"
    )
    here = future_workshop(chain, days=2, title="Ici")
    future_workshop(chain, days=3, title="Ailleurs", site=other_site)
    calendar, events_here = events(client.get(f"/ateliers/lieu/{chain.site.pk}.ics"))
    assert [str(e["SUMMARY"]) for e in events_here] == ["Ici"]
    assert str(events_here[0]["UID"]) == f"workshop-{here.pk}-rom@conserverie"
    assert "Place du marché Romans" in str(calendar["X-WR-CALNAME"])
    _, all_events = events(client.get(FEED))
    assert sorted(str(e["SUMMARY"]) for e in all_events) == ["Ailleurs", "Ici"]


def test_an_unknown_site_feed_is_not_found(client, db):
    assert client.get("/ateliers/lieu/999.ics").status_code == 404


def test_feed_is_valid_with_no_workshop(client, chain):
    calendar, found = events(client.get(FEED))
    assert found == []
    # RFC 5545 §3.4: a calendar holds at least one component; an empty feed carries the workshops' time zone.
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    calendar, found = events(client.get(f"/ateliers/lieu/{chain.site.pk}.ics"))
    assert (found, len(calendar.walk("VTIMEZONE"))) == ([], 1)


def test_uid_survives_a_new_address_and_sequence_counts_the_changes(client, chain, settings):
    settings.SITE_URL = "https://ancienne.example.org"
    workshop = future_workshop(chain)
    _, (first,) = events(client.get(FEED))
    assert first["SEQUENCE"] == 0
    created = first.decoded("LAST-MODIFIED")
    settings.SITE_URL = "https://nouvelle.example.org"
    workshop.starts_at += timedelta(hours=1)
    workshop.ends_at += timedelta(hours=1)
    workshop.save()
    _, (moved,) = events(client.get(FEED))
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] == 1
    assert moved.decoded("LAST-MODIFIED") >= created
    assert moved.decoded("LAST-MODIFIED").utcoffset() == timedelta(0)
    assert str(moved["URL"]).startswith("https://nouvelle.example.org/")


def test_feed_queries_do_not_grow(client, chain, django_assert_num_queries):
    place_on_map(chain)
    count = assert_flat_queries(client, FEED, lambda n: add_future_workshops(chain, n), django_assert_num_queries)
    assert count == 1, count
    site_feed = f"/ateliers/lieu/{chain.site.pk}.ics"
    count = assert_flat_queries(client, site_feed, lambda n: add_future_workshops(chain, n), django_assert_num_queries)
    assert count == 2, count
