from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance_portal.admin_scoping import ScopedModelAdmin
from governance_portal.models import Notification

admin.site.site_header = _("Five Forces Portal administration")
admin.site.site_title = _("Five Forces Portal administration")
admin.site.index_title = _("Administration")


@admin.register(Notification)
class NotificationAdmin(ScopedModelAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    list_filter = ["read_at"]
    list_select_related = ["user"]
    search_fields = ["message", "user__username", "user__name"]
    readonly_fields = ["user", "message", "url", "created_at", "read_at"]
