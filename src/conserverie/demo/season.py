"""A season of workshops: the calendar, and what happens at each workshop from sign-up to the last jar."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from conserverie.core.history import save_as
from conserverie.demo.handout import Handout, Shelves
from conserverie.demo.harvest import RawPool
from conserverie.demo.people import register, take_attendance, workshop_title
from conserverie.demo.production import make_lot
from conserverie.production.models import LotStatus
from conserverie.territories.models import Site
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import workshop_open

SEASON_START = date(2026, 4, 6)  # a Monday
SEASON_WEEKS = 30
# (weekday, start, end): Tuesday afternoons in town, Thursday mornings in villages and markets.
SEASON_SLOTS = [(1, time(14), time(17)), (3, time(9, 30), time(12, 30))]
# Upcoming workshops take other weekdays, so they never clash with the season whatever the day of loading.
UPCOMING_WEEKDAYS = {2: (time(14), time(17)), 5: (time(9, 30), time(12, 30))}
UPCOMING_DAYS = 21
EVENT_DAY = date(2026, 9, 19)
# Stored produce keeps the truck busy outside the fresh season.
WINTER_RECIPES = ("CPOM", "CHUT", "SOUP")


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    site: Site
    capacity: int = 12
    event: bool = False

    @property
    def day(self) -> date:
        return timezone.localtime(self.starts_at).date()


def aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def season_slots(places) -> list[Slot]:
    town = [site for site in places.sites if site.kind == Site.Kind.NEIGHBOURHOOD]
    country = [site for site in places.sites if site.kind != Site.Kind.NEIGHBOURHOOD]
    slots = []
    for week in range(SEASON_WEEKS):
        monday = SEASON_START + timedelta(weeks=week)
        for (weekday, start, end), sites in zip(SEASON_SLOTS, (town, country), strict=True):
            day = monday + timedelta(days=weekday)
            slots.append(Slot(aware(day, start), aware(day, end), sites[week % len(sites)]))
    if places.event is not None:
        slots.append(Slot(aware(EVENT_DAY, time(10)), aware(EVENT_DAY, time(17)), places.event, 30, event=True))
    return sorted(slots, key=lambda slot: slot.starts_at)


def upcoming_slots(places, today: date) -> list[Slot]:
    slots = []
    for offset in range(1, UPCOMING_DAYS + 1):
        day = today + timedelta(days=offset)
        if day.weekday() in UPCOMING_WEEKDAYS:
            start, end = UPCOMING_WEEKDAYS[day.weekday()]
            slots.append(Slot(aware(day, start), aware(day, end), places.sites[len(slots) % len(places.sites)]))
    return slots


def recipes_for(ctx, day: date) -> list:
    codes = [code for code, months in ctx.recipe_months.items() if day.month in months]
    codes = codes or [code for code in WINTER_RECIPES if code in ctx.recipes] or list(ctx.recipes)
    return [ctx.recipes[code] for code in codes]


class Season:
    def __init__(self, ctx):
        self.ctx = ctx
        self.pool = RawPool(ctx)
        self.handout = Handout(ctx, Shelves())
        self.played = 0

    def open(self, slot: Slot) -> tuple[Workshop, list]:
        ctx, rng = self.ctx, self.ctx.rng
        choices = recipes_for(ctx, slot.day)
        count = 3 if slot.event else rng.choice((1, 2, 2))
        recipes = rng.sample(choices, min(count, len(choices)))
        workshop = workshop_open(
            actor=ctx.animator,
            territory=ctx.territory,
            title=workshop_title(recipes, slot.site.name if slot.event else ""),
            site=slot.site,
            structure=slot.site.structure,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            capacity=slot.capacity,
            animators=[ctx.animator],
            planned_recipes=recipes,
        )
        return workshop, recipes

    def play(self, slot: Slot, next_day: date) -> Workshop:
        """Open the workshop and sign people up; when its day is past, also produce and hand out."""
        ctx, rng = self.ctx, self.ctx.rng
        self.played += 1
        full = self.played % 6 == 4
        workshop, recipes = self.open(slot)
        register(ctx, workshop, full=full)
        day = slot.day
        if day >= ctx.today:
            return workshop
        batches = (3,) if slot.event else (1, 1, 2, 2)
        lots = [
            make_lot(
                ctx, self.pool, self.handout.shelves, recipe=r, workshop=workshop, day=day, batches=rng.choice(batches)
            )
            for r in recipes
        ]
        if rng.random() < 0.25:
            product = rng.choice([i.product for i in recipes[0].ingredients.order_by("id") if i.product_id])
            self.pool.decline_one(product, day)
        present = take_attendance(ctx, workshop, cancel_one=full)
        released = [lot for lot in lots if lot.is_released]
        handout = self.handout
        handout.empties_back(day)
        handout.gifts(workshop, present, released, day)
        for lot in lots:
            if lot.status == LotStatus.NON_CONFORMING:
                handout.destroy(lot, day)
        handout.spread(workshop, released, day)
        handout.shop_sales(day)
        handout.internal_use(workshop, day)
        if self.played % 17 == 9:
            handout.break_one(day)
        self.pool.clear_expiring(day, next_day)
        # No service closes a workshop yet: mark it done as the animator would, with its history row.
        workshop.status = Workshop.Status.DONE
        save_as(workshop, ctx.animator)
        return workshop

    def play_all(self, slots: list[Slot]) -> None:
        for index, slot in enumerate(slots):
            next_day = slots[index + 1].day if index + 1 < len(slots) else slot.day + timedelta(days=7)
            self.play(slot, next_day)
