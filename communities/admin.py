from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities import actions, privacy
from communities.models import (
    CharitableResource,
    Community,
    Compound,
    Consent,
    DeletionRequest,
    District,
    OrganisationTransition,
    OutsideUnit,
    ResidentProfile,
    ResourceAllocation,
    SocialOrganisation,
    SocialWorker,
    SocialWorkRecord,
    SpecialGroup,
    StaffAssignment,
    Street,
    User,
)
from governance_portal.admin_scoping import ScopedInline, ScopedModelAdmin
from governance_portal.audit import mask_login_name
from governance_portal.masking import mask_phone


class StaffPostsSaveMixin:
    """Posts given in the admin open the admin site to their holder, as staff_assign does."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if isinstance(obj, StaffAssignment):
            actions.staff_flag_sync(user=obj.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.model is StaffAssignment:
                for assignment in formset.queryset.select_related("user"):
                    actions.staff_flag_sync(user=assignment.user)


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
class CommunityAdmin(StaffPostsSaveMixin, ScopedModelAdmin):
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
class PortalUserAdmin(StaffPostsSaveMixin, ScopedModelAdmin, UserAdmin):
    """Users and their roles: administrators only."""

    list_display = [
        "masked_username",
        "name",
        "masked_phone",
        "is_staff",
        "is_active",
        "last_login",
    ]
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

    @admin.display(description=_("username"), ordering="username")
    def masked_username(self, obj):
        # Residents' usernames are their mobile numbers.
        return mask_login_name(obj.username)


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(StaffPostsSaveMixin, ScopedModelAdmin):
    list_display = ["user", "street", "community", "role", "title", "started_on", "ended_on"]
    list_filter = ["role", "street", "community__street", "ended_on"]
    list_select_related = ["user", "street", "community"]
    search_fields = ["user__username", "user__name", "title"]
    autocomplete_fields = ["user"]


@admin.register(ResidentProfile)
class ResidentProfileAdmin(ScopedModelAdmin):
    scope_path = "community"
    staff_actions = frozenset({"view"})
    list_display = ["name", "masked_phone", "community", "compound", "registered_at"]
    list_filter = ["community__street", "community"]
    list_select_related = ["user", "community", "compound"]
    # Not by phone: searching full numbers would reveal them without the audited reveal.
    search_fields = ["user__name"]
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


@admin.register(SpecialGroup)
class SpecialGroupAdmin(ScopedModelAdmin):
    """Looked up here; recorded and revoked on the staff pages, which check the scope."""

    scope_path = "resident__resident_profile__community"
    list_display = ["resident", "group", "verified_by", "verified_at", "revoked_at"]
    list_filter = ["group"]
    list_select_related = ["resident", "verified_by"]
    search_fields = ["resident__name"]
    readonly_fields = [
        "resident",
        "group",
        "verified_by",
        "verified_at",
        "proof_seen",
        "revoked_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted


@admin.register(DeletionRequest)
class DeletionRequestAdmin(ScopedModelAdmin):
    """Residents' requests to delete their data: administrators only (``scope_path`` None)."""

    list_display = ["user", "requested_at", "handled_at", "handled_by", "outcome"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter), "outcome"]
    list_select_related = ["user", "handled_by"]
    search_fields = ["user__username", "user__name"]
    date_hierarchy = "requested_at"
    readonly_fields = ["user", "requested_at", "reason", "handled_at", "handled_by", "outcome"]
    actions = ["anonymise_account", "refuse_request"]

    def has_add_permission(self, request):
        return False  # residents ask on their "my data" page

    def has_delete_permission(self, request, obj=None):
        return False  # the request is proof that it was answered

    @admin.action(description=_("Anonymise the account"), permissions=["change"])
    def anonymise_account(self, request, queryset):
        done = 0
        for deletion_request in queryset.filter(handled_at__isnull=True).select_related("user"):
            try:
                privacy.account_anonymise(user=deletion_request.user, by=request.user)
            except privacy.AnonymiseRefused as refused:
                self.message_user(request, refused.messages[0], messages.ERROR)
            else:
                done += 1
        if done:
            message = ngettext(
                "%(count)d account anonymised.", "%(count)d accounts anonymised.", done
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Refuse the request (tell the person why)"), permissions=["change"])
    def refuse_request(self, request, queryset):
        refused = 0
        for deletion_request in queryset.filter(handled_at__isnull=True):
            privacy.deletion_request_refuse(request=deletion_request, by=request.user)
            refused += 1
        message = ngettext("%(count)d request refused.", "%(count)d requests refused.", refused)
        self.message_user(request, message % {"count": refused})


class ForcesAdmin(ScopedModelAdmin):
    """Registries with a street and an optional community: scoped like the staff pages.

    Staff see their scope here read-only: they change these records on the staff pages, whose
    forms and actions carry the rules. Administrators may correct a record here.
    """

    scope_path = "community"
    staff_actions = frozenset({"view"})
    list_select_related = ["street", "community"]

    def scope_queryset(self, queryset, scope):
        return queryset.in_scope(scope)

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: history is never erased


class TransitionInline(ScopedInline):
    model = OrganisationTransition
    fields = ["from_state", "to_state", "on", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False  # steps go through organisation_transition (the lifecycle rules)


@admin.register(SocialOrganisation)
class SocialOrganisationAdmin(ForcesAdmin):
    list_display = ["name", "category", "state", "state_since", "street", "community", "archived"]
    list_filter = ["category", "state", "archived", "street"]
    search_fields = ["name", "services", "contact_name"]
    readonly_fields = ["state", "state_since"]
    inlines = [TransitionInline]

    def has_add_permission(self, request):
        return False  # new organisations move in through the staff page (organisation_create)


class WorkRecordInline(ScopedInline):
    model = SocialWorkRecord
    fields = ["month", "cases", "groups", "community_activities", "notes"]
    staff_actions = frozenset({"view"})


@admin.register(SocialWorker)
class SocialWorkerAdmin(ForcesAdmin):
    readonly_fields = ["user"]
    list_display = ["name", "qualification", "certificate_year", "street", "employer", "archived"]
    list_filter = ["qualification", "archived", "street"]
    list_select_related = ["street", "community", "employer"]
    search_fields = ["name", "specialities", "certificate_number"]
    inlines = [WorkRecordInline]


class AllocationInline(ScopedInline):
    model = ResourceAllocation
    fields = ["activity", "value", "note", "allocated_by", "allocated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity", "allocated_by")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False  # allocations go through resource_allocate (never above the balance)


@admin.register(CharitableResource)
class CharitableResourceAdmin(ForcesAdmin):
    readonly_fields = ["recorded_by"]
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

    def has_delete_permission(self, request, obj=None):
        return False  # history is never erased


@admin.register(SocialWorkRecord)
class SocialWorkRecordAdmin(ScopedModelAdmin):
    list_display = ["worker", "month", "cases", "groups", "community_activities"]
    list_select_related = ["worker"]

    def has_delete_permission(self, request, obj=None):
        return False  # history is never erased


@admin.register(ResourceAllocation)
class ResourceAllocationAdmin(ScopedModelAdmin):
    list_display = ["resource", "activity", "value", "allocated_by", "allocated_at"]
    list_select_related = ["resource", "activity", "allocated_by"]
    readonly_fields = ["resource", "activity", "value", "note", "allocated_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # history is never erased
