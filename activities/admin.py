from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from activities import actions
from activities.models import Activity, ActivityPartner, ActivityPhoto, ActivitySeries, Signup
from governance_portal.admin_scoping import ScopedInline, ScopedModelAdmin
from governance_portal.masking import mask_phone


class PartnerInline(ScopedInline):
    """Read-only: partners are recorded on the staff page (partner_add keeps kind and link
    consistent)."""

    model = ActivityPartner
    fields = ["kind", "name", "role", "organisation", "social_worker", "outside_unit"]
    readonly_fields = fields
    staff_actions = frozenset({"view"})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PhotoInline(ScopedInline):
    model = ActivityPhoto
    fields = ["thumbnail", "caption", "credit", "uploaded_by", "uploaded_at"]
    readonly_fields = ["thumbnail", "uploaded_by", "uploaded_at"]
    staff_actions = frozenset({"view"})

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class ManageableMixin:
    """Activities (and their rows) are scoped like the staff pages: Activity.manageable_by."""

    activity_path = ""

    def scope_queryset(self, queryset, scope):
        if scope.everything:
            return queryset
        manageable = Activity.objects.manageable_by(scope).values("pk")
        lookup = f"{self.activity_path}__in" if self.activity_path else "pk__in"
        return queryset.filter(**{lookup: manageable})


@admin.register(Activity)
class ActivityAdmin(ManageableMixin, ScopedModelAdmin):
    scope_path = "community"
    staff_actions = frozenset({"view"})
    list_display = ["title", "kind", "unit_name", "starts_at", "status", "places", "waitlist_count"]
    list_filter = ["status", "kind", "audience", "street", "community"]
    list_select_related = ["community", "street"]
    search_fields = ["title", "venue", "description"]
    date_hierarchy = "starts_at"
    readonly_fields = ["places_taken", "waitlist_count", "status", "created_by", "series"]
    inlines = [PartnerInline, PhotoInline]
    actions = ["publish_selected"]

    @admin.display(description=_("places"))
    def places(self, obj):
        return f"{obj.places_taken} / {obj.capacity}" if obj.capacity else obj.places_taken

    @admin.action(description=_("Publish the selected drafts"))
    def publish_selected(self, request, queryset):
        for activity in queryset.filter(status=Activity.Status.DRAFT):
            try:
                actions.activity_publish(activity=activity, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{activity}: {' '.join(error.messages)}", messages.ERROR
                )

    def has_add_permission(self, request):
        # New activities go through the staff pages, which set street, creator and status.
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The organiser stays as created; administrators may move an activity.
        return fields if request.user.is_superuser else [*fields, "street", "community"]

    def save_model(self, request, obj, form, change):
        # Through the action: the row lock, the capacity rules and waitlist promotion.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            return
        try:
            actions.activity_update(activity=obj, by=request.user, changes=changes)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: signups, partners and reports are history

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("community", "street")


@admin.register(Signup)
class SignupAdmin(ManageableMixin, ScopedModelAdmin):
    scope_path = "activity__community"
    activity_path = "activity"
    list_display = [
        "activity",
        "resident_name",
        "masked_phone",
        "party_size",
        "status",
        "created_at",
    ]
    list_filter = ["status", "walk_in", "activity__kind"]
    list_select_related = ["activity", "resident"]
    search_fields = ["activity__title", "resident__name"]
    readonly_fields = [f.name for f in Signup._meta.fields]

    def has_add_permission(self, request):
        return False  # signups go through signup_create: capacity and waitlist rules

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("resident"), ordering="resident__name")
    def resident_name(self, obj):
        return obj.resident.display_name

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj):
        return mask_phone(obj.resident.phone)


@admin.register(ActivitySeries)
class ActivitySeriesAdmin(ScopedModelAdmin):
    list_display = ["__str__", "frequency", "until", "created_by", "created_at"]
    list_select_related = ["created_by"]


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(ManageableMixin, ScopedModelAdmin):
    scope_path = "activity__community"
    activity_path = "activity"
    staff_actions = frozenset({"view"})
    list_display = ["__str__", "activity", "credit", "uploaded_at"]
    list_select_related = ["activity"]
    search_fields = ["caption", "credit", "activity__title"]
    fields = ["activity", "thumbnail", "caption", "credit", "uploaded_by", "uploaded_at"]
    readonly_fields = ["activity", "thumbnail", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False  # uploads go through the verified pipeline on the staff pages


@admin.register(ActivityPartner)
class ActivityPartnerAdmin(ManageableMixin, ScopedModelAdmin):
    readonly_fields = ["activity", "organisation", "social_worker", "outside_unit"]

    def has_add_permission(self, request):
        return False  # through the activity's partners page (partner_add)

    scope_path = "activity__community"
    activity_path = "activity"
    staff_actions = frozenset({"view"})
    list_display = ["name", "kind", "activity", "role"]
    list_filter = ["kind"]
    list_select_related = ["activity"]
    search_fields = ["name", "activity__title"]
