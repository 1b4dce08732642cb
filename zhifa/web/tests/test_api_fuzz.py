"""The whole JSON API under schemathesis: no request any persona (or nobody) makes answers 5xx.

Every operation of /api/openapi.json gets valid and invalid requests generated from its schema,
sent through the WSGI application as the demo personas in turn (API tokens) and anonymously.
Generation is derandomised and bounded (``ZHIFA_FUZZ_EXAMPLES`` per operation and mode), so a run
takes about a minute and a failure reproduces; raise the number locally to search longer.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from zhifa.api import api
from zhifa.org.models import User
from zhifa.org.services import create_api_token
from zhifa.web.demo_data import load_demo

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("ZHIFA_FUZZ_EXAMPLES", "20"))
PERSONAS = ("inspector", "approver", "supervisor", "social", "enterprise", "outsider_jz", "admin")


@pytest.fixture
def bearer_headers(db) -> list[dict[str, str]]:
    """Authorization headers of the demo personas, and none (anonymous)."""
    load_demo(enterprises=60, officers=40)
    headers: list[dict[str, str]] = [{}]
    for username in PERSONAS:
        user = User.objects.get(username=username)
        _, key = create_api_token(user=user, name="fuzz", actor=user)
        headers.append({"Authorization": f"Bearer {key}"})
    return headers


@pytest.fixture
def wsgi_app() -> Iterator[object]:
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(operation, mode: GenerationMode, personas: Iterator[dict[str, str]]) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        response = case.call(headers=next(personas))
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path} query={case.query!r} "
                f"body={case.body!r:.300} → {response.status_code}"
            )

    # Unsatisfiable: no invalid request can be made (an operation without parameters).
    with contextlib.suppress(Unsatisfiable):
        run()
    return failures


def test_no_api_operation_answers_a_server_error(bearer_headers, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    personas = itertools.cycle(bearer_headers)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += _fuzz(operation, mode, personas)
    assert operations == sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())
    assert failures == []
