"""Demo data for #8 costs, revenues and scenarios (written by that issue's work)."""


def add_economics(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
