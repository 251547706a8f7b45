"""Admin helpers shared by the apps."""

from django.contrib import admin


class ReadOnlyLedgerAdmin(admin.ModelAdmin):
    """An append-only ledger (docs/architecture.md §4.5) is read in the admin, never written: corrections go through
    the services,
    as a new reversing row with who and why."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
