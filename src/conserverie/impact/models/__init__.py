from conserverie.impact.models.flower import Dimension, Indicator, IndicatorValue
from conserverie.impact.models.voices import *  # noqa: F403

__all__ = ["Dimension", "Indicator", "IndicatorValue"]
