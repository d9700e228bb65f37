from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from communities.forms import PortalAdminAuthenticationForm
from governance_portal import audit, logins, ratelimit
from governance_portal.admin_scoping import ReadOnlyScopedAdmin, ScopedModelAdmin
from governance_portal.models import AuditEvent, DayFigures, LoginThrottle, Notification

admin.site.site_header = _("Five Forces Portal administration")
admin.site.site_title = _("Five Forces Portal administration")
admin.site.index_title = _("Administration")
admin.site.login_form = PortalAdminAuthenticationForm  # the same lockout as the portal's login
_admin_login = admin.site.login


@login_not_required
def _rate_limited_admin_login(request, extra_context=None):
    """The admin login under the same per-address rate limit as the portal's."""
    if request.method == "POST":
        who = f"login:ip:{audit.client_ip(request)}"
        if not ratelimit.hit(who, limit=settings.RATE_LIMIT_LOGIN_PER_MINUTE, window=60):
            return render(request, "429.html", status=429)
    return _admin_login(request, extra_context)


admin.site.login = _rate_limited_admin_login


@admin.register(Notification)
class NotificationAdmin(ScopedModelAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    list_filter = ["read_at"]
    list_select_related = ["user"]
    search_fields = ["message", "user__username", "user__name"]
    readonly_fields = ["user", "message", "url", "created_at", "read_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    """Read-only: the log cannot be changed, from here or anywhere."""

    scope_path = "community_id"
    staff_actions = frozenset({"view"})
    list_display = ["at", "actor_repr", "ip", "action", "model", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["actor_repr", "object_repr", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "actor_repr",
        "ip",
        "action",
        "model",
        "object_id",
        "object_repr",
        "changes",
        "note",
        "street_id",
        "community_id",
    ]

    def scope_queryset(self, queryset, scope):
        return queryset.in_scope(scope)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(ScopedModelAdmin):
    """Administrators see locked logins and unlock them (audited)."""

    list_display = ["masked_username", "ip", "failures", "locked_until", "updated_at"]
    search_fields = ["username", "ip"]
    readonly_fields = ["username", "ip", "failures", "locked_until", "updated_at"]
    actions = ["unlock_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("username"))
    def masked_username(self, obj):
        return audit.mask_login_name(obj.username)

    @admin.action(description=_("Unlock the selected logins"))
    def unlock_selected(self, request, queryset):
        for throttle in queryset:
            logins.unlock(throttle=throttle, by=request.user)
        self.message_user(request, _("Unlocked."))


@admin.register(DayFigures)
class DayFiguresAdmin(ReadOnlyScopedAdmin):
    """For administrators (no scope path: staff do not see it): the dashboards' day rows,
    kept by every write (``manage.py refresh_day_figures`` makes them again)."""

    list_display = ["day", "street", "community", "activities", "signed_up", "volunteer_hours"]
    list_select_related = ["street", "community"]
    date_hierarchy = "day"
