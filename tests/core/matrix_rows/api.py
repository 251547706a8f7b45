"""Permission-matrix rows of the REST API (/api/v1/, docs/api-en.md) and of the tokens page.

A browser session is no token: every operation answers 401 to every persona, whoever is logged in (the API's own
tests, tests/api/, check each role's token). The description and its docs page are public. An operation reached
with a method it does not have answers 405.
"""

from ..matrix_base import ANON, LOGIN, OK, Row, everyone, signed_in

ONE = {"territory_id": 1, "producer_id": 1, "offer_id": 1, "raw_lot_id": 1, "workshop_id": 1, "outing_id": 1}


def _id(name):
    return lambda w: {name: ONE.get(name, 1)}


ROWS = {
    "api:openapi-json": Row(everyone(OK)),
    "api:openapi-view": Row(everyone(OK)),
    "api:api-root": Row(everyone(404)),
    "api:territories_list": Row(everyone(401)),
    "api:territory_detail": Row(everyone(401), _id("territory_id")),
    "api:products_list": Row(everyone(401)),
    "api:producers_list": Row(everyone(401)),
    "api:producer_create": Row(everyone(401), method="post"),
    "api:producer_detail": Row(everyone(401), _id("producer_id")),
    "api:producer_update": Row(everyone(401), _id("producer_id")),
    "api:producer_products": Row(everyone(401), _id("producer_id")),
    "api:producer_products_set": Row(everyone(401), _id("producer_id")),
    "api:offers_list": Row(everyone(401)),
    "api:offer_declare": Row(everyone(401), method="post"),
    "api:offer_detail": Row(everyone(401), _id("offer_id")),
    "api:offer_accept": Row(everyone(401), _id("offer_id"), method="post"),
    "api:offer_decline": Row(everyone(405), _id("offer_id")),
    "api:raw_lots_list": Row(everyone(401)),
    "api:raw_lot_detail": Row(everyone(401), _id("raw_lot_id")),
    "api:workshops_list": Row(everyone(401)),
    "api:workshop_detail": Row(everyone(401), _id("workshop_id")),
    "api:outings_list": Row(everyone(401)),
    "api:outing_detail": Row(everyone(401), _id("outing_id")),
    "api:workshop_signup": Row(everyone(401), _id("workshop_id"), method="post"),
    "api:outing_signup": Row(everyone(405), _id("outing_id")),
    "api:lots_list": Row(everyone(401)),
    "api:lot_detail": Row(everyone(401), _id("lot_id")),
    "api:stock": Row(everyone(401)),
    "api:distributions_list": Row(everyone(401)),
    "api:distribution_create": Row(everyone(401), method="post"),
    "api:distribution_detail": Row(everyone(401), _id("distribution_id")),
    "api:distribution_cancel": Row(everyone(401), _id("distribution_id"), method="post"),
    "api:impact": Row(everyone(401)),
    "api:accounts": Row(everyone(401)),
    # The person's own tokens; another person's token is not found.
    "api_tokens": Row(signed_in(OK)),
    "api_token_revoke": Row({**everyone(404), ANON: LOGIN}, lambda w: {"pk": 999999}, method="post"),
}
ROWS["api:dfc_catalog"] = Row(everyone(401))
# The purchasing group (issue 18): rounds, members and orders.
ROWS.update(
    {
        "api:rounds_list": Row(everyone(401)),
        "api:round_detail": Row(everyone(401), _id("round_id")),
        "api:members_list": Row(everyone(401)),
        "api:member_detail": Row(everyone(401), _id("member_id")),
        "api:orders_list": Row(everyone(401)),
        "api:order_detail": Row(everyone(401), _id("order_id")),
        "api:order_place": Row(everyone(401), _id("round_id"), method="post"),
        "api:order_change": Row(everyone(401), _id("order_id")),
        "api:order_withdraw": Row(everyone(401), _id("order_id"), method="post"),
    }
)
