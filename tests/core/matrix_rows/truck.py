"""Permission-matrix rows of the truck offline and the day sheet (issue #19): staff of the territory only; the
service worker is a script anyone may load (it holds no data)."""

from ..matrix_base import OK, Row, coordinators, everyone, pk, post_staff, staff

ROWS = {
    "core:service_worker": Row(everyone(OK)),
    "workshops:truck_manifest": Row(staff(), pk("workshop")),
    "workshops:day_sheet": Row(staff(), pk("workshop")),
    "workshops:paper_entry": Row(staff(), pk("workshop")),
    "truck:sync": Row(post_staff(), pk("workshop"), method="post"),
}
ROWS["network:template"] = Row(coordinators(), lambda w: {"ext": "csv"})
