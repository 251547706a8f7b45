"""Demo data for #3 collection rounds (written by that issue's work)."""


def add_rounds(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
