from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from communities.models import (
    CharitableResource,
    Community,
    Compound,
    Consent,
    District,
    OrganisationTransition,
    OutsideUnit,
    ResidentProfile,
    ResourceAllocation,
    SocialOrganisation,
    SocialWorker,
    SocialWorkRecord,
    StaffAssignment,
    Street,
    User,
)
from governance_portal.admin_scoping import ScopedInline, ScopedModelAdmin
from governance_portal.masking import mask_phone


@admin.register(District)
class DistrictAdmin(ScopedModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class CommunityInline(ScopedInline):
    model = Community
    fields = ["name", "office_address", "office_hours", "office_phone"]
    show_change_link = True


@admin.register(Street)
class StreetAdmin(ScopedModelAdmin):
    scope_path = "communities"  # enables staff access; rows are scoped by scope_queryset below
    list_display = ["name", "district", "office_address", "office_phone", "community_count"]
    list_filter = ["district"]
    search_fields = ["name", "office_address"]
    inlines = [CommunityInline]

    def scope_queryset(self, queryset, scope):
        # Street staff see their street; community staff see (read-only) the street they are in.
        if scope.everything:
            return queryset
        return queryset.filter(
            Q(pk__in=scope.street_ids) | Q(communities__in=scope.community_ids)
        ).distinct()

    def get_queryset(self, request):
        # A subquery, not the scope filter's join: every community of the street counts.
        count = (
            Community.objects.filter(street=OuterRef("pk"))
            .values("street")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(_community_count=Subquery(count))

    @admin.display(description=_("communities"), ordering="_community_count")
    def community_count(self, obj):
        return obj._community_count


class CompoundInline(ScopedInline):
    model = Compound
    fields = ["name", "address", "property_company"]
    staff_actions = frozenset({"view", "add", "change"})


class StaffAssignmentInline(ScopedInline):
    model = StaffAssignment
    fk_name = "community"
    fields = ["user", "role", "title", "started_on", "ended_on"]
    readonly_fields = ["started_on"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Community)
class CommunityAdmin(ScopedModelAdmin):
    scope_path = ""
    staff_actions = frozenset({"view", "change"})
    list_display = ["name", "street", "office_address", "office_phone", "resident_count"]
    list_filter = ["street__district", "street"]
    list_select_related = ["street"]
    search_fields = ["name", "street__name", "office_address"]
    inlines = [CompoundInline, StaffAssignmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_resident_count=Count("residents"))

    def get_readonly_fields(self, request, obj=None):
        # Staff edit their community's details; only administrators move it between streets.
        return [] if request.user.is_superuser else ["street", "name"]

    @admin.display(description=_("residents"), ordering="_resident_count")
    def resident_count(self, obj):
        return obj._resident_count


@admin.register(Compound)
class CompoundAdmin(ScopedModelAdmin):
    scope_path = "community"
    staff_actions = frozenset({"view", "add", "change"})
    list_display = ["name", "community", "address", "property_company"]
    list_filter = ["community__street", "community"]
    list_select_related = ["community"]
    search_fields = ["name", "address", "property_company"]


class StaffAssignmentUserInline(ScopedInline):
    model = StaffAssignment
    fk_name = "user"
    fields = ["street", "community", "role", "title", "started_on", "ended_on"]
    readonly_fields = ["started_on"]


class ConsentInline(ScopedInline):
    model = Consent
    fk_name = "user"
    fields = ["notice", "version", "given_at", "recorded_by", "withdrawn_at"]
    readonly_fields = ["notice", "version", "given_at", "recorded_by"]


@admin.register(User)
class PortalUserAdmin(ScopedModelAdmin, UserAdmin):
    """Users and their roles: administrators only."""

    list_display = ["username", "name", "masked_phone", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "name", "phone", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal information"), {"fields": ["name", "phone", "email"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "name", "phone"]}),
        (None, {"classes": ["wide"], "fields": ["password1", "password2"]}),
    ]
    inlines = [StaffAssignmentUserInline, ConsentInline]

    @admin.display(description=_("mobile number"), ordering="phone")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ScopedModelAdmin):
    list_display = ["user", "street", "community", "role", "title", "started_on", "ended_on"]
    list_filter = ["role", "street", "community__street", "ended_on"]
    list_select_related = ["user", "street", "community"]
    search_fields = ["user__username", "user__name", "title"]
    autocomplete_fields = ["user"]


@admin.register(ResidentProfile)
class ResidentProfileAdmin(ScopedModelAdmin):
    scope_path = "community"
    staff_actions = frozenset({"view", "change"})
    list_display = ["name", "masked_phone", "community", "compound", "registered_at"]
    list_filter = ["community__street", "community"]
    list_select_related = ["user", "community", "compound"]
    search_fields = ["user__name", "user__phone"]
    readonly_fields = ["user", "registered_at"]
    fields = ["user", "community", "compound", "registered_at"]

    @admin.display(description=_("full name"), ordering="user__name")
    def name(self, obj):
        return obj.user.display_name

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj):
        return mask_phone(obj.user.phone)


@admin.register(Consent)
class ConsentAdmin(ScopedModelAdmin):
    list_display = ["user", "notice", "version", "given_at", "withdrawn_at"]
    list_filter = ["notice", "version"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__name"]
    readonly_fields = ["user", "notice", "version", "given_at"]


class ForcesAdmin(ScopedModelAdmin):
    """Registries with a street and an optional community: scoped like the staff pages."""

    scope_path = "community"
    staff_actions = frozenset({"view", "change"})
    list_select_related = ["street", "community"]

    def scope_queryset(self, queryset, scope):
        return queryset.in_scope(scope)

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: history is never erased


class TransitionInline(ScopedInline):
    model = OrganisationTransition
    fields = ["from_state", "to_state", "on", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # steps go through organisation_transition (the lifecycle rules)


@admin.register(SocialOrganisation)
class SocialOrganisationAdmin(ForcesAdmin):
    list_display = ["name", "category", "state", "state_since", "street", "community", "archived"]
    list_filter = ["category", "state", "archived", "street"]
    search_fields = ["name", "services", "contact_name"]
    readonly_fields = ["state", "state_since"]
    inlines = [TransitionInline]


class WorkRecordInline(ScopedInline):
    model = SocialWorkRecord
    fields = ["month", "cases", "groups", "community_activities", "notes"]
    staff_actions = frozenset({"view"})


@admin.register(SocialWorker)
class SocialWorkerAdmin(ForcesAdmin):
    list_display = ["name", "qualification", "certificate_year", "street", "employer", "archived"]
    list_filter = ["qualification", "archived", "street"]
    list_select_related = ["street", "community", "employer"]
    search_fields = ["name", "specialities", "certificate_number"]
    inlines = [WorkRecordInline]


class AllocationInline(ScopedInline):
    model = ResourceAllocation
    fields = ["activity", "value", "note", "allocated_by", "allocated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # allocations go through resource_allocate (never above the balance)


@admin.register(CharitableResource)
class CharitableResourceAdmin(ForcesAdmin):
    list_display = ["received_on", "donor_name", "kind", "description", "value", "street"]
    list_filter = ["kind", "donor_kind", "anonymous", "archived", "street"]
    search_fields = ["donor_name", "description"]
    date_hierarchy = "received_on"
    inlines = [AllocationInline]


@admin.register(OutsideUnit)
class OutsideUnitAdmin(ForcesAdmin):
    list_display = ["name", "kind", "street", "community", "contact_name", "archived"]
    list_filter = ["kind", "archived", "street"]
    search_fields = ["name", "address", "contact_name"]


@admin.register(OrganisationTransition)
class OrganisationTransitionAdmin(ScopedModelAdmin):
    list_display = ["organisation", "from_state", "to_state", "on", "recorded_by"]
    list_select_related = ["organisation", "recorded_by"]
    readonly_fields = ["organisation", "from_state", "to_state", "on", "note", "recorded_by"]

    def has_add_permission(self, request):
        return False


@admin.register(SocialWorkRecord)
class SocialWorkRecordAdmin(ScopedModelAdmin):
    list_display = ["worker", "month", "cases", "groups", "community_activities"]
    list_select_related = ["worker"]


@admin.register(ResourceAllocation)
class ResourceAllocationAdmin(ScopedModelAdmin):
    list_display = ["resource", "activity", "value", "allocated_by", "allocated_at"]
    list_select_related = ["resource", "activity", "allocated_by"]
    readonly_fields = ["resource", "activity", "value", "note", "allocated_by"]

    def has_add_permission(self, request):
        return False
