"""A record's status shown the same way everywhere: each model says which Bootstrap colour each status takes
(`STATUS_COLOURS`), the `status_badge` template tag draws it (core/templatetags/status.py)."""


class StatusColours:
    """Mixin for a model with a `status` field with choices: `status_colour` from the class's `STATUS_COLOURS`."""

    STATUS_COLOURS: dict[str, str] = {}
    DEFAULT_STATUS_COLOUR = "secondary"

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS.get(self.status, self.DEFAULT_STATUS_COLOUR)
