"""Attribute history rows to the person who acted, also outside a request (CLI, demo)."""


def save_as(instance, actor, **kwargs):
    instance._history_user = actor
    instance.full_clean()
    instance.save(**kwargs)
    return instance
