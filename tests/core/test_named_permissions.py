"""Who may do what is named once (territories/permissions.py): pages ask `may`, services call `require`."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from conserverie.territories.models import Role
from conserverie.territories.permissions import PERMISSIONS, may, may_sign, require

SRC = Path(__file__).resolve().parents[2] / "src" / "conserverie"


def test_every_permission_names_real_roles():
    for name, roles in PERMISSIONS.items():
        assert roles, name
        assert set(roles) <= set(Role.values), name


def test_may_and_require_follow_the_role_in_the_territory(coordinator, animator, viewer, other_coordinator, romans):
    territory = romans.territory
    assert may(coordinator, territory, "lot.recall")
    assert not may(animator, territory, "lot.recall")
    # Releasing is signed by a trained person whatever the staff role (docs/safety-en.md): the role allows it,
    # the training decides (the test coordinator is trained, the test animator is not).
    assert may(animator, territory, "lot.release")
    assert may_sign(coordinator, territory, "lot.release")
    assert not may_sign(animator, territory, "lot.release")
    assert may(animator, territory, "territory.work")
    assert not may(viewer, territory, "territory.work")
    assert may(viewer, territory, "territory.read_figures")
    assert not may(other_coordinator, territory, "lot.release")
    assert not may_sign(other_coordinator, territory, "lot.release")
    assert not may(AnonymousUser(), territory, "territory.read_figures")
    assert require(coordinator, territory, "lot.recall") == Role.COORDINATOR
    with pytest.raises(PermissionDenied):
        require(animator, territory, "lot.recall")


def test_an_unknown_permission_is_a_programming_error(coordinator, romans):
    with pytest.raises(ValueError, match="lot.realese"):
        may(coordinator, romans.territory, "lot.realese")


def test_no_service_spells_a_role_list_instead_of_a_permission():
    spelled = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("services.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"require_role\([^)]*\(Role\.", line)
    ]
    assert spelled == []
