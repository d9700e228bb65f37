"""At the desk: check people in, sign up residents without a phone (代报名), walk-ins, the sheet."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from activities import actions
from activities.forms import CheckinSearchForm, DeskSignupForm
from activities.models import Activity, Signup
from activities.views.manage import ManagedActivityMixin, text_search
from communities.models import Community
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error


class CheckinDeskView(ManagedActivityMixin, ListView):
    template_name = "activities/checkin_desk.html"
    paginate_by = 50

    def get_queryset(self):
        self.search = CheckinSearchForm(self.request.GET)
        queryset = (
            self.get_activity()
            .signups.filter(status__in=Signup.HOLDING_PLACES)
            .select_related("resident")
            .order_by("resident__name", "pk")
        )
        if self.search.is_valid():
            queryset = text_search(queryset, self.search.cleaned_data["q"])
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            search=self.search,
            checked_in=actions.checked_in_count(self.get_activity()),
            **kwargs,
        )


class ScopedSignupMixin(CommunityStaffRequiredMixin):
    def get_signup(self) -> Signup:
        manageable = Activity.objects.manageable_by(self.scope).values("pk")
        return get_object_or_404(
            Signup.objects.select_related("activity", "resident"),
            pk=self.kwargs["pk"],
            activity__in=manageable,
        )


class AttendanceMarkView(ScopedSignupMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        signup = self.get_signup()
        choice = request.POST.get("attended")
        if choice not in {"0", "1"}:
            messages.error(request, _("Choose checked in or did not come."))
            return redirect("activities:checkin_desk", pk=signup.activity_id)
        attended = choice == "1"
        try:
            actions.signup_mark_attendance(signup=signup, attended=attended, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = signup.resident.display_name
            if attended:
                messages.success(request, _("%(name)s is checked in.") % {"name": name})
            else:
                messages.success(request, _("%(name)s is marked as not come.") % {"name": name})
        return redirect("activities:checkin_desk", pk=signup.activity_id)


class StaffSignupCancelView(ScopedSignupMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        signup = self.get_signup()
        try:
            actions.signup_cancel(signup=signup, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The sign-up is cancelled."))
        return redirect("activities:activity_manage", pk=signup.activity_id)


class DeskSignupView(ManagedActivityMixin, FormView):
    """代报名 (walk_in=False) or a walk-in checked in at once (walk_in=True)."""

    form_class = DeskSignupForm
    template_name = "activities/desk_signup_form.html"
    walk_in = False

    def get_context_data(self, **kwargs):
        return super().get_context_data(walk_in=self.walk_in, **kwargs)

    def get_form_kwargs(self):
        activity = self.get_activity()
        communities = None
        if activity.community_id is None:
            # A whole-street activity: the resident is recorded in one of the street's
            # communities that this staff member may act on.
            communities = Community.objects.in_scope(self.scope).filter(street=activity.street)
        return {**super().get_form_kwargs(), "communities": communities}

    def form_valid(self, form):
        activity = self.get_activity()
        data = form.cleaned_data
        community = activity.community or data["community"]
        try:
            # One transaction: a refused signup leaves no new resident record behind.
            with transaction.atomic():
                resident = actions.resident_find_or_create_at_desk(
                    name=data["name"],
                    phone=data["phone"],
                    community=community,
                    scope=self.scope,
                    by=self.request.user,
                )
                actions.signup_create(
                    activity=activity,
                    resident=resident,
                    party_size=data["party_size"],
                    children_under_14=data["children_under_14"],
                    guardian_consent=data["guardian_consent"],
                    by=self.request.user,
                    walk_in=self.walk_in,
                )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s is signed up.") % {"name": resident.display_name}
        )
        target = "activities:checkin_desk" if self.walk_in else "activities:activity_manage"
        return redirect(target, pk=activity.pk)


class WalkInView(DeskSignupView):
    walk_in = True


class SignInSheetView(ManagedActivityMixin, ListView):
    """签到表: a printable sheet of confirmed people, phones masked."""

    template_name = "activities/signin_sheet.html"

    def get_queryset(self):
        return (
            self.get_activity()
            .signups.filter(status__in=Signup.HOLDING_PLACES)
            .select_related("resident")
            .order_by("resident__name", "pk")
        )
