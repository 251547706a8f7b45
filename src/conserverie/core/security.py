"""HTTP hardening that Django 5.2 does not ship: a Content-Security-Policy header, and the client address behind nginx.

The policy allows no inline script and no inline style: templates load their JavaScript from /static/ and pass data
through `json_script` (a `<script type="application/json">` block, which is data, not code).
"""

from urllib.parse import urlsplit

from django.conf import settings


def tile_source(tile_url: str) -> str:
    """The CSP source of a Leaflet tile URL: `https://{s}.tile.example.org/{z}/{x}/{y}.png` -> `https://*.tile...`."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1]
    if "{" in host:
        # Leaflet's {s} subdomain (a, b, c), or any other placeholder: the whole level becomes a wildcard.
        labels = ["*" if "{" in label else label for label in host.split(".")]
        host = ".".join(labels[labels.index("*") :]) if labels[0] != "*" else ".".join(labels)
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str = "") -> str:
    img = " ".join(filter(None, ["'self'", "data:", tile_source(tile_url)]))
    directives = [
        "default-src 'self'",
        f"img-src {img}",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that does not set its own (computed once, at start-up).

    Except Django's technical error pages in development (DEBUG and a 4xx/5xx status), whose inline styles and
    scripts the policy would break; production error pages (400.html, 500.html...) carry the policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy(getattr(settings, "MAP_TILE_URL", ""))

    def __call__(self, request):
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def client_ip(request) -> str | None:
    """The visitor's address behind one trusted reverse proxy (nginx appends it last to X-Forwarded-For).

    Used by django-axes when BEHIND_PROXY=1, so that a lockout hits the attacker and not the proxy's 127.0.0.1.
    The right-most entry is the one nginx saw; entries to its left come from the client and may be forged.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else request.META.get("REMOTE_ADDR")
