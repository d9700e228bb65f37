from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance_portal.admin_scoping import ScopedModelAdmin
from governance_portal.masking import mask_phone
from volunteers.models import (
    Certificate,
    RoleSignup,
    ServiceRecord,
    StarPolicy,
    Volunteer,
    VolunteerRole,
    VolunteerTeam,
)

# Writes go through volunteers.actions (locks, counts, notifications): the admin reads.
READ_ONLY = frozenset({"view"})


class ReadOnlyAdmin(ScopedModelAdmin):
    staff_actions = READ_ONLY

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    scope_path = "community"
    list_display = ["user", "phone", "community", "team", "status", "created_at"]
    list_filter = ["status", "community"]
    list_select_related = ["user", "community", "team"]
    search_fields = ["user__name"]

    @admin.display(description=_("Mobile number"))
    def phone(self, obj):
        return mask_phone(obj.user.phone)


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ScopedModelAdmin):
    scope_path = "community"
    staff_actions = frozenset({"view", "change"})
    list_display = ["name", "street", "community", "archived"]
    list_filter = ["archived", "street"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    scope_path = "community"
    list_display = ["served_on", "volunteer", "title", "hours", "status", "source"]
    list_filter = ["status", "source", "community"]
    list_select_related = ["volunteer__user"]
    date_hierarchy = "served_on"


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    scope_path = "community"
    list_display = ["code", "volunteer", "total_hours", "issued_at", "revoked_at"]
    list_select_related = ["volunteer__user"]
    exclude = ["records"]


@admin.register(VolunteerRole)
class VolunteerRoleAdmin(ReadOnlyAdmin):
    scope_path = "activity__community"
    list_display = ["name", "activity", "slots", "taken", "planned_hours"]
    list_select_related = ["activity"]


@admin.register(RoleSignup)
class RoleSignupAdmin(ReadOnlyAdmin):
    scope_path = "volunteer__community"
    list_display = ["volunteer", "role", "status", "checked_in_at", "checked_out_at"]
    list_select_related = ["volunteer__user", "role"]


@admin.register(StarPolicy)
class StarPolicyAdmin(ScopedModelAdmin):
    scope_path = None  # street staff edit it on their page; here only superusers
    list_display = ["street", "one_star", "two_stars", "three_stars", "four_stars", "five_stars"]
