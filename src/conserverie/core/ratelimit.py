"""A small per-address rate limit for the public forms and the login page, on Django's cache (no third party).

Fixed windows: at most `count` POSTs per client address per `seconds`, per scope ("signup", "login"...). The limits
are read from `settings.RATELIMITS` (`{"scope": "count/seconds"}`) at each request, so that they can be changed by
environment variables or in a test. A refused request gets the French page 429.html with a Retry-After header.

The counters live in the cache named by `settings.RATELIMIT_CACHE` ("ratelimit"): Django's database cache by
default, shared by every gunicorn worker and every process (settings.py, docs/deploy-en.md). A counter is not
one number incremented (the database cache's `incr` is a read then a write: two workers would both write 6), but
one key per request of the window, `…:1` to `…:count`, each taken with `cache.add`, which writes only a key that
is not there (a unique row in the database cache, SET NX in Redis): two processes can never take the same one, so
the limit is exact across processes (tests/core/test_ratelimit_processes.py). A hint key holds the last slot taken,
so that a request tries one or two slots, not all of them.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string

from conserverie.core.security import client_ip

# "survey": the anonymous survey link, answered by a whole Agora on one Wi-Fi (one address): a wider window.
# "signup_contact": sign-ups per phone number or e-mail address, whatever the address they come from.
DEFAULT_LIMITS = {
    "signup": "20/600",
    "signup_contact": "10/3600",
    "login": "30/600",
    "password_reset": "5/3600",
    "survey": "60/600",
    # The purchasing group's member login (purchasing/views/member.py): a link by e-mail or a desk code.
    "member_login": "10/600",
    "member_login_contact": "5/3600",
}


def parse_rate(rate: str) -> tuple[int, int]:
    """`"20/600"` → (20, 600): `count` requests per `seconds`. Raises ValueError on anything else."""
    count, _, seconds = rate.partition("/")
    count, seconds = int(count), int(seconds)
    if count < 1 or seconds < 1:
        raise ValueError(f"rate must be <count>/<seconds> with both ≥ 1, not {rate!r}")
    return count, seconds


def limit_for(scope: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "RATELIMITS", {})}
    return parse_rate(limits[scope])


def address(request) -> str:
    """The client address: the one nginx saw when BEHIND_PROXY, else the socket's."""
    if getattr(settings, "BEHIND_PROXY", False):
        return client_ip(request) or "unknown"
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, key: str, now: float | None = None) -> tuple[bool, int]:
    """Count one request of `key` in `scope`: (allowed, seconds until the window ends)."""
    count, seconds = limit_for(scope)
    now = time.time() if now is None else now
    window = int(now // seconds)
    cache = caches[getattr(settings, "RATELIMIT_CACHE", "ratelimit")]
    name = f"ratelimit:{scope}:{key}:{window}"
    timeout = seconds + 1  # the keys outlive their window, never the other way round
    slot = int(cache.get(name) or 0) + 1  # a hint: the slots below it are taken
    allowed = False
    while slot <= count:
        if cache.add(f"{name}:{slot}", 1, timeout=timeout):
            allowed = True
            break
        slot += 1
    cache.set(name, min(slot, count), timeout=timeout)
    retry_after = max(1, int((window + 1) * seconds - now))
    return allowed, retry_after


def too_many_requests(request, retry_after: int):
    body = render_to_string("429.html", {"retry_minutes": max(1, round(retry_after / 60))})
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(scope: str, methods: tuple[str, ...] = ("POST",)):
    """Decorator: refuse with 429 once an address has sent more than the scope's limit of `methods` requests."""
    limit_for(scope)  # a typo in the scope fails at import, not at the first request

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and getattr(settings, "RATELIMIT_ENABLED", True):
                allowed, retry_after = hit(scope, address(request))
                if not allowed:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
