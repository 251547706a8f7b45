"""Attribute history rows to the person who acted, also outside a request (CLI, demo)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def save_as(instance, actor, **kwargs):
    instance._history_user = actor
    validate(instance)
    instance.save(**kwargs)
    return instance


def validate(instance) -> None:
    """`Model.full_clean()`, without looking up again the rows the service already holds.

    Django checks that a foreign key points at an existing row with one query per key and per save; a service passes
    objects it has just read or written in the same transaction, and the database's own foreign-key constraint still
    refuses a missing row. Everything else is as in `full_clean()`: fields, `clean()`, unique checks and constraints
    (those of the skipped keys included), each skipping only the fields that already failed.
    """
    errors: dict = {}
    try:
        instance.clean_fields(exclude=_loaded_relations(instance))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    for check in (instance.validate_unique, instance.validate_constraints):
        try:
            check(exclude=failed)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _loaded_relations(instance) -> set[str]:
    loaded = set()
    for field in instance._meta.concrete_fields:
        if not (field.many_to_one and field.is_cached(instance)) or field.get_limit_choices_to():
            continue
        related = field.get_cached_value(instance)
        if (
            related is not None
            and not related._state.adding
            and getattr(related, field.target_field.attname) == getattr(instance, field.attname)
        ):
            loaded.add(field.name)
    return loaded
