"""Staff pages: create and run activities in one's own scope."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import CreateView, FormView, ListView, UpdateView

from activities import actions, kinds
from activities.filters import ManageActivityFilter
from activities.forms import (
    ActivityForm,
    CancelForm,
    CopyForm,
    PhotoForm,
    RepeatForm,
    ReportForm,
)
from activities.models import Activity, ActivityPhoto
from activities.qr import qr_svg
from communities.filters import name_or_phone
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from governance_portal.pagecache import CachedBodyMixin


class ManagedActivityMixin(CommunityStaffRequiredMixin):
    """Fetches the activity through the staff member's scope: another community's is a 404."""

    def get_activity(self) -> Activity:
        if not hasattr(self, "_activity"):
            self._activity = get_object_or_404(
                Activity.objects.manageable_by(self.scope).select_related("community", "street"),
                pk=self.kwargs["pk"],
            )
        return self._activity

    def get_context_data(self, **kwargs):
        kwargs.setdefault("activity", self.get_activity())
        return super().get_context_data(**kwargs)


class ManageActivityListView(CommunityStaffRequiredMixin, CachedBodyMixin, ListView):
    template_name = "activities/manage_list.html"
    body_template = "activities/includes/_manage_list_body.html"
    paginate_by = 25

    def body_key(self) -> tuple:
        return self.scope.cache_key()

    def get_queryset(self):
        queryset = (
            Activity.objects.manageable_by(self.scope)
            .select_related("community", "street")
            .order_by("-starts_at", "-pk")
        )
        self.filterset = ManageActivityFilter(self.request.GET, queryset=queryset, scope=self.scope)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class ActivityCreateView(CommunityStaffRequiredMixin, CreateView):
    form_class = ActivityForm
    template_name = "activities/activity_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def form_valid(self, form):
        fields = {name: value for name, value in form.cleaned_data.items() if name != "street"}
        try:
            self.object = actions.activity_create(
                by=self.request.user, street=form.instance.street, **fields
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The activity was saved as a draft. Publish it when ready.")
        )
        return redirect("activities:activity_manage", pk=self.object.pk)


class ActivityUpdateView(ManagedActivityMixin, UpdateView):
    form_class = ActivityForm
    template_name = "activities/activity_form.html"

    def get_object(self, queryset=None):
        return self.get_activity()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def form_valid(self, form):
        changes = {name: value for name, value in form.cleaned_data.items() if name != "street"}
        try:
            actions.activity_update(
                activity=self.object,
                by=self.request.user,
                changes={**changes, "street": form.instance.street},
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The activity was saved."))
        return redirect("activities:activity_manage", pk=self.object.pk)


class ActivityManageView(ManagedActivityMixin, ListView):
    """One activity's staff page: status, actions, and its signups."""

    template_name = "activities/activity_manage.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            self.get_activity()
            .signups.select_related("resident", "registered_by")
            .with_waitlist_position()
            .order_by("status", "created_at", "pk")
        )

    def get_context_data(self, **kwargs):
        activity = self.get_activity()
        return super().get_context_data(
            checked_in=actions.checked_in_count(activity),
            photos=list(activity.photos.all()),
            cancel_form=CancelForm(),
            **kwargs,
        )


class ActivityActionView(ManagedActivityMixin, View):
    """POST-only steps that call one action: publish, complete."""

    http_method_names = ["post"]
    action = None
    success_message = ""

    def post(self, request, pk):
        activity = self.get_activity()
        try:
            type(self).action(activity=activity, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message)
        return redirect("activities:activity_manage", pk=activity.pk)


class ActivityPublishView(ActivityActionView):
    action = actions.activity_publish

    @property
    def success_message(self):
        return _("The activity is published: residents can find it and sign up.")


class ActivityCompleteView(ActivityActionView):
    action = actions.activity_complete

    @property
    def success_message(self):
        return _("The activity is marked completed. Write its report next.")


class ActivityStepFormView(ManagedActivityMixin, FormView):
    """A step with a small form (cancel, copy, repeat): GET shows it, POST runs the action."""

    template_name = "activities/activity_step_form.html"
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def run(self, form):  # pragma: no cover - overridden
        raise NotImplementedError

    def form_valid(self, form):
        try:
            response = self.run(form)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        return response


class ActivityCancelView(ActivityStepFormView):
    form_class = CancelForm

    @property
    def title(self):
        return _("Cancel the activity")

    def run(self, form):
        activity = actions.activity_cancel(
            activity=self.get_activity(), by=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request, _("The activity is cancelled and everyone signed up is told.")
        )
        return redirect("activities:activity_manage", pk=activity.pk)


class ActivityCopyView(ActivityStepFormView):
    form_class = CopyForm

    @property
    def title(self):
        return _("Copy to another date")

    def run(self, form):
        copy = actions.activity_copy(
            activity=self.get_activity(),
            by=self.request.user,
            starts_at=form.cleaned_data["starts_at"],
        )
        messages.success(self.request, _("A copy was saved as a draft."))
        return redirect("activities:activity_update", pk=copy.pk)


class ActivityRepeatView(ActivityStepFormView):
    form_class = RepeatForm

    @property
    def title(self):
        return _("Repeat weekly or monthly")

    def run(self, form):
        copies = actions.activity_repeat(
            activity=self.get_activity(),
            by=self.request.user,
            frequency=form.cleaned_data["frequency"],
            until=form.cleaned_data["until"],
        )
        messages.success(
            self.request,
            ngettext(
                "%(count)d more date was saved as a draft.",
                "%(count)d more dates were saved as drafts.",
                len(copies),
            )
            % {"count": len(copies)},
        )
        query = urlencode({"q": self.get_activity().title})
        return redirect(f"{reverse('activities:manage_list')}?{query}")


class ActivityReportView(ActivityStepFormView):
    form_class = ReportForm
    template_name = "activities/activity_report_form.html"

    @property
    def title(self):
        return _("Write the report")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.get_activity().kind}

    def get_initial(self):
        activity = self.get_activity()
        return {
            "report": activity.report,
            "attendance": activity.attendance,
            "attendance_note": activity.attendance_note,
            **kinds.details_initial(activity),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            checked_in=actions.checked_in_count(self.get_activity()), **kwargs
        )

    def run(self, form):
        activity = actions.activity_report(
            activity=self.get_activity(),
            by=self.request.user,
            report=form.cleaned_data["report"],
            attendance=form.cleaned_data["attendance"],
            attendance_note=form.cleaned_data["attendance_note"],
            details=form.details(),
        )
        messages.success(self.request, _("The report is saved and appears in the news feed."))
        return redirect("activities:activity_manage", pk=activity.pk)


class PhotoUploadView(ActivityStepFormView):
    form_class = PhotoForm
    template_name = "activities/photo_form.html"

    @property
    def title(self):
        return _("Add a photo")

    def get_context_data(self, **kwargs):
        return super().get_context_data(photos=list(self.get_activity().photos.all()), **kwargs)

    def run(self, form):
        actions.photo_add(
            activity=self.get_activity(),
            by=self.request.user,
            processed=form.cleaned_data["photo"],
            caption=form.cleaned_data["caption"],
            credit=form.cleaned_data["credit"],
        )
        messages.success(self.request, _("The photo was added."))
        return redirect("activities:photo_upload", pk=self.get_activity().pk)


class PhotoDeleteView(CommunityStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        manageable = Activity.objects.manageable_by(self.scope).values("pk")
        photo = get_object_or_404(ActivityPhoto, pk=pk, activity__in=manageable)
        activity_pk = photo.activity_id
        actions.photo_delete(photo=photo, by=request.user)
        messages.success(request, _("The photo was removed."))
        return redirect("activities:photo_upload", pk=activity_pk)


class ActivityQRCodeView(ManagedActivityMixin, View):
    """The SVG QR code residents scan to check in (valid only during the activity)."""

    def get(self, request, pk):
        activity = self.get_activity()
        url = request.build_absolute_uri(
            reverse("activities:self_checkin", args=[activity.pk, activity.checkin_token])
        )
        return HttpResponse(qr_svg(url), content_type="image/svg+xml")


def text_search(queryset, text: str):
    """Signups whose resident's name contains ``text`` or whose mobile ends with it."""
    return name_or_phone(queryset, text, prefix="resident__")
