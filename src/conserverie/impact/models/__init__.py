from .flower import Dimension, Indicator, IndicatorValue
from .voices import *  # noqa: F403

__all__ = ["Dimension", "Indicator", "IndicatorValue"]
