"""Permission-matrix rows of the second factor's pages (issue 17, item 5; territories/views/account.py)."""

from ..matrix_base import ANIM, ANON, COORD, LOGIN, OK, OTHER, REDIRECT, VIEWER, Row, signed_in

ROWS = {
    # Every staff role sets up its own second factor; board members and funders have no staff page to protect.
    "territories:totp_setup": Row({ANON: LOGIN, COORD: OK, ANIM: OK, VIEWER: 403, OTHER: OK}),
    # Without an authenticator yet: back to the set-up page.
    "territories:recovery_codes": Row(signed_in(REDIRECT)),
    # Nobody of the world owes a code: the code pages send on.
    "territories:totp_verify": Row(signed_in(REDIRECT)),
    "territories:recovery_verify": Row(signed_in(REDIRECT)),
}
