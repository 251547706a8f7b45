"""Demo data for #7 surveys and testimonies (written by that issue's work)."""


def add_voices(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
