"""Demo data for #7 dimensions and indicators (written by that issue's work)."""


def add_impact(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
