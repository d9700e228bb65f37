from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from activities import actions
from activities.models import (
    Activity,
    ActivityPartner,
    ActivityPhoto,
    ActivitySeries,
    BookShare,
    CareLog,
    ClubMember,
    ClubSession,
    DrillAction,
    DrillGroup,
    DrillReport,
    Instructor,
    ReadingClub,
    Signup,
    Trainee,
    TrainingAttendance,
    TrainingProgramme,
    TrainingScore,
    TrainingSession,
    Tree,
    TreeAdoption,
)
from governance_portal.admin_scoping import ReadOnlyScopedAdmin, ScopedInline, ScopedModelAdmin
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


# --- the kind-specific parts (activities.kinds) ----------------------------------------------
# Written through the staff pages and their actions (which keep care dates, adoptions and
# sessions consistent); here administrators and scoped staff look things up and correct text.


class PartAdmin(ReadOnlyScopedAdmin):
    """The parts are kept consistent by their actions (care dates, adoptions, sessions)."""


class PartInline(ScopedInline):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdoptionInline(PartInline):
    model = TreeAdoption
    fields = ["adopter", "tag_name", "started_at", "ended_at", "end_reason"]
    readonly_fields = fields
    fk_name = "tree"


@admin.register(Tree)
class TreeAdmin(PartAdmin):
    scope_path = "community"
    list_display = ["name", "species", "community", "compound", "status", "care_due_at"]
    list_filter = ["status", "community"]
    list_select_related = ["community", "compound"]
    search_fields = ["name", "species", "spot"]
    readonly_fields = [
        "community",
        "planting_activity",
        "adopter",
        "tag_name",
        "last_cared_at",
        "care_due_at",
        "status",
        "replaced_by",
        "created_by",
    ]
    exclude = ["photo", "thumbnail"]
    inlines = [AdoptionInline]


@admin.register(CareLog)
class CareLogAdmin(PartAdmin):
    scope_path = "tree__community"
    list_display = ["tree", "kind", "logged_at"]
    list_filter = ["kind"]
    list_select_related = ["tree"]
    search_fields = ["tree__name", "note"]
    readonly_fields = ["tree", "adoption", "kind", "logged_by", "logged_at", "thumbnail"]
    exclude = ["photo"]


@admin.register(ReadingClub)
class ReadingClubAdmin(PartAdmin):
    scope_path = "community"
    list_display = ["name", "community", "meets", "archived"]
    list_filter = ["archived", "community"]
    list_select_related = ["community"]
    search_fields = ["name"]
    readonly_fields = ["community"]


@admin.register(BookShare)
class BookShareAdmin(PartAdmin):
    scope_path = "club__community"
    list_display = ["title", "author", "club", "shared_at"]
    list_select_related = ["club"]
    search_fields = ["title", "author", "club__name"]
    readonly_fields = ["club", "session", "recommended_by", "entered_by", "shared_at"]


class DrillGroupInline(PartInline):
    model = DrillGroup
    fields = ["name", "people"]


class DrillActionInline(PartInline):
    model = DrillAction
    fields = ["action", "owner", "due_on", "done"]


@admin.register(DrillReport)
class DrillReportAdmin(ManageableMixin, PartAdmin):
    scope_path = "activity__community"
    activity_path = "activity"
    list_display = ["activity", "partner_unit", "evacuation_seconds", "updated_at"]
    list_select_related = ["activity", "partner_unit"]
    search_fields = ["activity__title", "findings"]
    readonly_fields = ["activity", "partner_unit", "written_by"]
    inlines = [DrillGroupInline, DrillActionInline]


class TraineeInline(PartInline):
    model = Trainee
    fields = ["name", "category", "community", "withdrawn"]
    readonly_fields = ["community"]


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(PartAdmin):
    scope_path = "street__communities"
    list_display = ["title", "year", "track", "street", "planned_sessions"]
    list_filter = ["year", "track", "street"]
    list_select_related = ["street"]
    search_fields = ["title"]
    readonly_fields = ["street", "created_by"]
    filter_horizontal = ["instructors"]
    inlines = [TraineeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(Instructor)
class InstructorAdmin(PartAdmin):
    scope_path = "street__communities"
    list_display = ["name", "title", "organisation", "street"]
    list_select_related = ["street"]
    search_fields = ["name", "title", "organisation"]
    readonly_fields = ["street", "social_worker"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(ClubMember)
class ClubMemberAdmin(PartAdmin):
    scope_path = "club__community"
    list_display = ["club", "member_name", "joined_at", "left_at"]
    list_select_related = ["club", "resident"]
    search_fields = ["club__name", "resident__name"]
    readonly_fields = ["club", "resident", "joined_at"]

    @admin.display(description=_("resident"), ordering="resident__name")
    def member_name(self, obj):
        return obj.resident.display_name


@admin.register(ClubSession)
class ClubSessionAdmin(ManageableMixin, PartAdmin):
    scope_path = "activity__community"
    activity_path = "activity"
    list_display = ["activity", "club", "theme"]
    list_select_related = ["activity", "club"]
    search_fields = ["activity__title", "club__name", "theme"]
    readonly_fields = ["activity", "club"]


class AttendanceInline(PartInline):
    model = TrainingAttendance
    fields = ["trainee", "status"]
    readonly_fields = ["trainee"]


class ScoreInline(PartInline):
    model = TrainingScore
    fields = ["trainee", "score"]
    readonly_fields = ["trainee"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ManageableMixin, PartAdmin):
    scope_path = "activity__community"
    activity_path = "activity"
    list_display = ["__str__", "programme", "activity"]
    list_select_related = ["programme", "activity"]
    search_fields = ["topic", "activity__title", "programme__title"]
    readonly_fields = ["programme", "activity"]
    filter_horizontal = ["instructors"]
    inlines = [AttendanceInline, ScoreInline]


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(PartAdmin):
    scope_path = "session__activity__community"
    list_display = ["trainee", "session", "status"]
    list_filter = ["status"]
    list_select_related = ["trainee", "session__activity"]
    readonly_fields = ["trainee", "session"]


@admin.register(TrainingScore)
class TrainingScoreAdmin(PartAdmin):
    scope_path = "session__activity__community"
    list_display = ["trainee", "session", "score"]
    list_select_related = ["trainee", "session__activity"]
    readonly_fields = ["trainee", "session"]


@admin.register(TreeAdoption)
class TreeAdoptionAdmin(PartAdmin):
    scope_path = "tree__community"
    list_display = ["tree", "adopter_name", "started_at", "ended_at"]
    list_select_related = ["tree", "adopter"]
    search_fields = ["tree__name", "adopter__name"]
    readonly_fields = ["tree", "adopter", "started_at", "registered_by"]

    @admin.display(description=_("adopter"), ordering="adopter__name")
    def adopter_name(self, obj):
        return obj.adopter.display_name


@admin.register(DrillGroup)
class DrillGroupAdmin(PartAdmin):
    scope_path = "report__activity__community"
    list_display = ["name", "people", "report"]
    list_select_related = ["report__activity"]


@admin.register(DrillAction)
class DrillActionAdmin(PartAdmin):
    scope_path = "report__activity__community"
    list_display = ["action", "owner", "due_on", "done", "report"]
    list_filter = ["done"]
    list_select_related = ["report__activity"]
    search_fields = ["action", "owner"]
    readonly_fields = ["report", "done_at"]


@admin.register(Trainee)
class TraineeAdmin(PartAdmin):
    scope_path = "programme__street__communities"
    list_display = ["name", "category", "programme", "community", "withdrawn"]
    list_filter = ["category", "withdrawn"]
    list_select_related = ["programme", "community"]
    search_fields = ["name"]
    readonly_fields = ["programme", "social_worker", "volunteer", "organisation", "staff_user"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()
