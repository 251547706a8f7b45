"""Permission-matrix rows of the messages not sent (issue 17, item 7): names and phone numbers, staff of the territory
only (no viewer, no producer, no other territory)."""

from ..matrix_base import Row, staff

ROWS = {
    "participants:failed_messages": Row(staff()),
}
