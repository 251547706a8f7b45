from django.contrib import admin

from conserverie.core.admin_tools import ReadOnlyLedgerAdmin
from conserverie.people.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLedgerAdmin):
    list_display = ("at", "user", "territory", "participant", "fields", "purpose")
    list_filter = ("territory", "purpose")
    list_select_related = ("user", "territory", "participant")
