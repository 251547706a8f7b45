from django.contrib import admin

from conserverie.core.models import EncryptedTOTPDevice, RecoveryCodes, SecurityEvent


@admin.register(EncryptedTOTPDevice)
class EncryptedTOTPDeviceAdmin(admin.ModelAdmin):
    """Who has a second factor, never the secret; deleting the row lets a person who lost the phone set up again
    (their recovery codes are deleted with it: docs/deploy-en.md "Two-factor")."""

    list_display = ("user", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__email")
    fields = ("user", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        RecoveryCodes.objects.filter(user=obj.user).delete()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        RecoveryCodes.objects.filter(user__in=queryset.values("user")).delete()
        super().delete_queryset(request, queryset)


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(admin.ModelAdmin):
    """How many recovery codes a person has left; the codes are stored as keyed hashes and never shown."""

    list_display = ("user", "created_at", "last_used_at", "left")
    search_fields = ("user__username", "user__email")
    fields = ("user", "created_at", "last_used_at")
    readonly_fields = fields

    @admin.display(description="restants")
    def left(self, obj):
        return obj.token_set.count()

    def has_add_permission(self, request):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The sign-in security events (codes refused, lockouts): written by the platform, read here."""

    list_display = ("at", "user", "kind", "detail")
    list_filter = ("kind",)
    search_fields = ("user__username", "detail")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
