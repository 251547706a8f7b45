"""The service worker of the pages that work without a network (docs/architecture.md §7, "The truck offline").

Served by a view at the site's root (`/sw.js`), not from /static/: a worker's scope is at most the folder it comes
from, and the truck pages live under /t/…. No domain here: the worker knows the truck pages by their URL shape.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET


@require_GET
def service_worker(request):
    body = render_to_string("core/sw.js", {"static_url_json": json.dumps(settings.STATIC_URL)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
