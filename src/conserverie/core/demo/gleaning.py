"""Demo data for #3 gleaning outings (written by that issue's work)."""


def add_gleaning(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
