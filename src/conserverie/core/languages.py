"""Which languages a page speaks (issue 19, item 6; docs/architecture.md §7).

The residents' public pages (home, workshops, sign-up, confirmation, cancel, gleaning outings, surveys, the jar page)
are in French, English, Arabic (right to left) and Turkish: many residents of the priority neighbourhoods read
Arabic or Turkish more easily. Staff pages (the territory's pages, the farmers' and volunteers' spaces, the admin)
stay in French and English: a resident's Arabic or Turkish choice shows them in French.
"""

from django.conf import settings
from django.utils import translation

# URL namespaces (or full view names) of the public pages.
PUBLIC_NAMESPACES = {"public", "gleaning_public", "survey_public", "lot_public", "purchasing_public"}
PUBLIC_VIEWS = {"reporting:home", "privacy"}


def is_public(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return True  # 404 and error pages: the visitor's language
    return match.namespace in PUBLIC_NAMESPACES or match.view_name in PUBLIC_VIEWS


def staff_languages() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES if code in settings.STAFF_LANGUAGES]


class StaffLanguageMiddleware:
    """After LocaleMiddleware and URL resolution: a staff page in a public-only language is shown in French."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_public(request) and translation.get_language() not in settings.STAFF_LANGUAGES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
        return None


def page_languages(request) -> dict:
    """The languages the page's switch offers: all four on a public page, French and English elsewhere."""
    public = is_public(request)
    languages = settings.LANGUAGES if public else staff_languages()
    return {"page_languages": languages, "public_page": public}
