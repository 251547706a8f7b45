"""Conserverie: the platform of a mobile solidarity cannery."""
