"""Each role's menu shows what that role uses (issue 19, item 7): the animator no longer sees the rounds' planning,
the farms' register, the reports or the economics; the pages stay reachable for who may open them."""

import html
import re

from conserverie.territories.staff import MENU


def menu_labels(client) -> list[str]:
    page = client.get("/t/romans/ateliers/").content.decode()
    nav = page[page.index('<div class="collapse navbar-collapse" id="nav">') : page.index("</nav>")]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", label)).strip()
        for label in re.findall(r'class="(?:nav-link|dropdown-item)[^"]*"[^>]*>(.*?)</a>', nav)
    ]


def test_the_animator_sees_the_days_work_only(client, animator, romans):
    client.force_login(animator)
    labels = menu_labels(client)
    for hidden in ("Tournées", "Producteurs", "Économie", "Rapports", "La fleur", "Journal d'audit"):
        assert hidden not in labels, labels
    for shown in ("Ateliers", "Participants", "Offres", "Collectes", "Glanages", "Production", "Stock", "Enquêtes"):
        assert shown in labels, str(labels)
    assert len(labels) <= 17, labels  # 22 before


def test_the_coordinator_sees_everything(client, coordinator, romans):
    client.force_login(coordinator)
    labels = menu_labels(client)
    for shown in ("Tournées", "Producteurs", "Économie", "Rapports", "La fleur", "Journal d'audit"):
        assert shown in labels, str(labels)


def test_every_permission_of_the_menu_is_a_named_permission():
    from conserverie.territories.permissions import PERMISSIONS

    def permissions(entries):
        for _name, label, *permission in entries:
            yield from permission
            if isinstance(label, list):
                yield from permissions(label)

    assert set(permissions(MENU)) <= set(PERMISSIONS)
