"""The test suite's environment: the production settings module, configured like a deployment (DEBUG off).

Loaded as a pytest plugin (`-p tests.environment` in pyproject.toml), so these variables are in place before
pytest-django imports conserverie.settings, and every `conserverie` subprocess a test starts inherits them.
A variable already set in the environment wins (e.g. DATABASE_URL for the PostgreSQL run of .ci/run).
"""

import os

TEST_ENVIRONMENT = {
    "DEBUG": "0",
    # Not a secret: it signs nothing that leaves the test run.
    "SECRET_KEY": "tests-only-insecure-secret-key-0123456789-abcdefghij",
    # Links in messages, labels and calendars point at the test client's host.
    "SITE_URL": "http://testserver",
    # The test client and the live server speak plain HTTP; everything else stays as in production.
    "SECURE_SSL_REDIRECT": "0",
    # Personas sign in with a password alone; tests/core/test_two_factor.py turns the requirement on (the code is
    # still asked of whoever set a second factor up).
    "TWO_FACTOR_REQUIRED": "0",
    # Text messages are kept in conserverie.core.sms.outbox, never sent (the provider's calls are tested with a
    # mocked transport: tests/core/test_sms.py).
    "SMS_BACKEND": "conserverie.core.sms.MemoryBackend",
}

for name, value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(name, value)
