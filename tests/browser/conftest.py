"""One way to drive Debian's chromium for every journey (docs/architecture.md §7), and the CI rule: never skip there."""

import os
from pathlib import Path

import pytest

from .axe import Findings, watch_accessibility

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
# The tablet in the truck, in landscape; journeys on a phone open their own context with new_page().
TABLET = {"width": 1180, "height": 820}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium absent: apt-get install chromium (required in CI)")
        pytest.skip("chromium absent: apt-get install chromium")
    # Sync Playwright runs an event loop in this thread: let the test's own ORM calls through.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        FINDINGS[browser] = Findings()
        yield browser
        findings = FINDINGS.pop(browser)
        browser.close()
    # axe-core ran at every page load of the test (tests/browser/axe.py): no serious or critical violation.
    assert not findings.violations, "accessibility violations (axe-core):\n" + findings.report()


# The axe-core findings of each test's browser (tests/browser/axe.py).
FINDINGS: dict = {}


def findings_of(browser) -> Findings:
    return FINDINGS[browser]


def new_page(browser, width, height, **options):
    """A French-speaking browser context of that size, without animations, with a patient default timeout."""
    options.setdefault("locale", "fr-FR")
    # Bootstrap honours "reduce motion": a button is audited in its final colours, not halfway through a fade
    # (axe measured a button's contrast mid-transition once, on PostgreSQL under load).
    options.setdefault("reduced_motion", "reduce")
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    if browser in FINDINGS:
        findings = FINDINGS[browser]
        watch_accessibility(page, findings)
        close = context.close

        def audit_then_close(*args, **kwargs):
            findings.check_unaudited(context)
            return close(*args, **kwargs)

        context.close = audit_then_close
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = new_page(browser, TABLET["width"], TABLET["height"])
    yield page
    context.close()
