"""Schemathesis (pinned in requirements/dev.txt) fuzzes every operation of /api/v1/ with a coordinator's token.

Checks: no 5xx, every response conforms to the OpenAPI schema (status code, content type, body), and no answer
carries a row of the other territory (its ids and names are planted in the database and looked for in every body).
Bounded: a few examples per operation, no shrinking, so that the test stays within ~a minute on 2 cores.
"""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import new_token
from tests.purchasing.world import group

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_against_the_schema(world, other_world, coordinator, settings):
    settings.ALLOWED_HOSTS = ["localhost"]  # schemathesis' WSGI client calls http://localhost
    token = new_token(coordinator, world.territory, scope="write")
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    group(world)  # the purchasing group's rounds, members and orders to read and write
    theirs = group(other_world)
    foreign = [other_world.territory.slug, other_world.farm.name, other_world.lot.code, other_world.workshop.title]
    foreign += [theirs.lot.code]
    operations = list(schema.get_all_operations())
    assert len(operations) >= 35
    seen = {}
    failures = []
    for result in operations:
        operation = result.ok()

        @hypothesis_settings(
            max_examples=6,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            seen[(case.method, response.status_code)] = seen.get((case.method, response.status_code), 0) + 1
            case.validate_response(response, checks=CHECKS)
            text = response.text
            for value in foreign:
                assert value not in text, f"{case.method} {case.formatted_path}: another territory's {value!r}"

        try:
            run()
        except (Exception, ExceptionGroup) as exc:  # every operation's failure, not only the first
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert any(status == 200 for (_method, status) in seen), json.dumps({str(k): v for k, v in seen.items()})
