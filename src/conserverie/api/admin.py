from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.api.models import ApiCall, ApiToken
from conserverie.core.admin_tools import ReadOnlyLedgerAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Tokens are made by `conserverie api-token` (shown once); the admin only reads them and may revoke one."""

    list_display = ["prefix", "user", "territory", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["territory", "scope"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = ["territory", "user", "prefix", "digest", "scope", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyLedgerAdmin):
    """The API's audit: every call made with a token, refusals included."""

    list_display = ["at", "token", "method", "path", "status"]
    list_filter = ["territory", "status", "method"]
    search_fields = ["path", "token__prefix", "token__user__username"]
