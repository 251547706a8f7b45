"""The replication kit (coordinators of the template territory) and the network view (anyone who reads a territory)."""

from ..matrix_base import ANIM, ANON, COORD, LOGIN, OK, OTHER, REDIRECT, VIEWER, Row, coordinators

ROWS = {
    "replication:start": Row(coordinators(OK)),
    # Without the previous screen's answers in the session, a later screen sends back to the first one.
    "replication:places": Row(coordinators(REDIRECT)),
    "replication:confirm": Row(coordinators(REDIRECT)),
    "replication:launch": Row(coordinators(OK)),
    "federation:network": Row({ANON: LOGIN, COORD: OK, ANIM: OK, VIEWER: OK, OTHER: OK}),
}
