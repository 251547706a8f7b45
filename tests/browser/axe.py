"""axe-core on every page the browser tests visit (issue 19, item 5): 0 serious or critical violation.

axe-core is vendored in tests/browser/vendor/axe-core (version and licence there). `watch_accessibility(context)`
hooks every page of a browser context: at each page load axe runs (through Playwright's evaluate, which the site's
Content-Security-Policy does not block, so the policy stays on as in production) and every serious or critical
violation is kept with the page's address. The `browser` fixture fails the test at its end when one was found.
"""

from pathlib import Path
from urllib.parse import urlsplit

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = {"serious", "critical"}
# Swagger UI (vendored as it is, for developers reading the API, docs/api-en.md) is not audited: its own markup nests
# controls and sizes its links, and whether axe sees it depends on when its script has drawn the page (a flaky
# verdict either way). Every page of the platform itself is audited.
NOT_AUDITED = ("/api/v1/docs",)
# WCAG 2.0/2.1/2.2 A and AA, and axe's best practices (landmarks, headings, target sizes of WCAG 2.2 included).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(0, 3).join(' ')),
  }));
}"""


def audit(page) -> list[dict]:
    """The serious and critical violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(RUN, TAGS)
    return [v for v in violations if v["impact"] in BLOCKING]


class Findings:
    """The violations found in one test, with the pages audited (so a test can show it ran)."""

    def __init__(self):
        self.violations: list[str] = []
        self.audited: list[str] = []
        self.running = False

    def check(self, page) -> None:
        if self.running:  # a load event came while axe ran (events are dispatched during any wait)
            page._axe_audited = False  # audited again before its context closes
            return
        self.running = True
        try:
            self._check(page)
        finally:
            self.running = False

    def _check(self, page) -> None:
        try:
            url = page.url
            if urlsplit(url).path.rstrip("/") in NOT_AUDITED:
                page._axe_audited = True
                return
            found = audit(page)
        except Exception as error:  # noqa: BLE001 - the page navigated away while axe ran: the next load is checked
            if "context was destroyed" in str(error) or "navigation" in str(error).lower() or "closed" in str(error):
                return
            raise
        page._axe_audited = True
        self.audited.append(url)
        for violation in found:
            nodes = "; ".join(violation["nodes"])
            self.violations.append(f"{url}: [{violation['impact']}] {violation['id']} — {violation['help']} — {nodes}")

    def check_unaudited(self, context) -> None:
        """Before a context closes: the pages whose last load the test left before its event came."""
        for page in context.pages:
            if getattr(page, "_axe_watched", False) and not getattr(page, "_axe_audited", True):
                self.check(page)

    def report(self) -> str:
        return "\n".join(dict.fromkeys(self.violations))


def watch_accessibility(page, findings: Findings) -> None:
    """Audit `page` at each of its loads, and the pages it opens (popups) too."""
    if getattr(page, "_axe_watched", False):
        return
    page._axe_watched = True
    page.on("load", lambda loaded: findings.check(loaded))
    page.on("framenavigated", lambda frame: frame == page.main_frame and setattr(page, "_axe_audited", False))
    page.on("popup", lambda popup: watch_accessibility(popup, findings))
