"""Every record that points at a person, found from Django's model meta (docs/architecture.md §3, "One person, one
household"; issue 17).

`people` sits low in the layers and never imports the apps above it; yet a merge must move, an export gather and an
erasure scrub every row of every app that holds a key to a participant. They read the keys here, from
`Participant._meta` (hidden relations included: a key with `related_name="+"` is a key all the same), so a new app's
key to a participant is followed without anyone remembering to register it.
"""

from dataclasses import dataclass

from django.db import models

from conserverie.people.models import Household, Participant, RegistrationBase


def is_history(model) -> bool:
    """A django-simple-history table (its rows are the past versions of another model's rows)."""
    return hasattr(model, "instance_type") and any(f.name == "history_id" for f in model._meta.fields)


@dataclass(frozen=True)
class Link:
    """One key to a participant (or a household): `model.field` → the person."""

    model: type
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def is_history(self) -> bool:
        return is_history(self.model)

    @property
    def is_registration(self) -> bool:
        return issubclass(self.model, RegistrationBase)

    def rows(self, ids):
        """The rows of this model pointing at the people `ids`, every territory (the caller checked the people)."""
        return models.QuerySet(self.model).filter(**{f"{self.field.name}__in": list(ids)})


def links_to(target) -> list[Link]:
    """Every concrete key to `target` (Participant, Household) from any model, history tables included, in a
    stable order (by model label, then field)."""
    found = [
        Link(rel.related_model, rel.field)
        for rel in target._meta.get_fields(include_hidden=True)
        if rel.is_relation and rel.auto_created and not rel.concrete and isinstance(rel.field, models.ForeignKey)
    ]
    return sorted(found, key=lambda link: link.label)


def participant_links(*, history: bool = False) -> list[Link]:
    """The keys to a participant held by the records of the apps (`history=True`: also the history tables'); a
    person's own `merged_into` is not one of them (it names the person kept, not a record of the person)."""
    return [
        link for link in links_to(Participant) if link.model is not Participant and (history or not link.is_history)
    ]


def household_links(*, history: bool = False) -> list[Link]:
    return [link for link in links_to(Household) if history or not link.is_history]


# Random keys a person never writes (a personal link, a form's idempotency key): never free text.
NOT_TEXT = frozenset({"token", "idempotency_key"})


def text_fields(model) -> list[models.Field]:
    """The columns of `model` that may hold free text: char, text and JSON fields (not choices: a code is no name;
    not the random keys of `NOT_TEXT`)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
        and field.name not in NOT_TEXT
    ]
