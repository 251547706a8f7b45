"""Demo data for #3 producer network, seasons, offers in every state (written by that issue's work)."""


def add_network(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
