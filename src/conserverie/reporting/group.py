"""Kept for the callers of `reporting.group`: the group's figures now live in `impact/group.py` (one rule for every
report, the funders' reports included)."""

from conserverie.impact.group import GROUP_KEYS, group_report, group_report_by_structure

__all__ = ["GROUP_KEYS", "group_report", "group_report_by_structure"]
