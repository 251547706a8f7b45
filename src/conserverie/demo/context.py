"""What every step of the demo season needs: the territory's places, its actors, its catalogue, one seeded RNG."""

from dataclasses import dataclass, field
from datetime import date
from random import Random

from conserverie.demo.places import Places


@dataclass
class DemoContext:
    places: Places
    coordinator: object
    animator: object
    rng: Random
    today: date
    products: dict = field(default_factory=dict)
    growers: dict = field(default_factory=dict)  # product pk -> farms that grow it
    recipes: dict = field(default_factory=dict)  # recipe code -> Recipe
    recipe_months: dict = field(default_factory=dict)  # recipe code -> months it is made
    pantry: object = None
    participants: list = field(default_factory=list)
    producer_user: object = None
    producer_farm: object = None
    # Lot numbers (in order of recording) that the demo makes non-conforming or blocked, to show both cases.
    non_conforming_at: int | None = None
    blocked_at: int | None = None
    lots_made: int = 0
    # The low-acid lot (in order of recording) whose stability test fails (docs/safety-en.md).
    stability_failed_at: int | None = None
    low_acid_made: int = 0

    @property
    def territory(self):
        return self.places.territory
