from conserverie.impact.models.contract import ContractIndicator, ContractSignOff
from conserverie.impact.models.flower import Dimension, Indicator, IndicatorValue
from conserverie.impact.models.voices import *  # noqa: F403

__all__ = ["ContractIndicator", "ContractSignOff", "Dimension", "Indicator", "IndicatorValue"]
