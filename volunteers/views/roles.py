"""Staff run the volunteer roles of an activity: roles, who took them, check-in and check-out."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, UpdateView

from activities.models import Activity
from activities.views.manage import ManagedActivityMixin
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from volunteers import actions
from volunteers.forms import RoleAssignForm, RoleForm
from volunteers.models import RoleSignup, Volunteer, VolunteerRole
from volunteers.views.pages import FormPageMixin


def _assignable(scope, activity: Activity):
    """Approved volunteers staff may put on this activity's roles: their own communities'."""
    return Volunteer.objects.in_scope(scope).approved()


class ActivityRolesView(ManagedActivityMixin, FormView):
    """The roles of one activity with their volunteers; the form adds a role."""

    form_class = RoleForm
    template_name = "volunteers/activity_roles.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = VolunteerRole(activity=self.get_activity())
        return kwargs

    def get_context_data(self, **kwargs):
        activity = self.get_activity()
        roles = list(activity.volunteer_roles.order_by("pk"))
        signups = (
            RoleSignup.objects.active()
            .filter(role__activity=activity)
            .select_related("volunteer__user", "volunteer__community", "service_record")
            .order_by("volunteer__user__name", "pk")
        )
        by_role = {}
        for signup in signups:
            by_role.setdefault(signup.role_id, []).append(signup)
        for role in roles:
            role.confirmed = by_role.get(role.pk, [])
        return super().get_context_data(
            roles=roles,
            editable=activity.status not in {Activity.Status.CANCELLED, Activity.Status.COMPLETED},
            **kwargs,
        )

    def form_valid(self, form):
        try:
            actions.role_save(role=form.instance, by=self.request.user)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The role is added."))
        return redirect("volunteers:activity_roles", pk=self.get_activity().pk)


class ScopedRoleMixin(CommunityStaffRequiredMixin):
    def get_role(self) -> VolunteerRole:
        if not hasattr(self, "_role"):
            manageable = Activity.objects.manageable_by(self.scope).values("pk")
            self._role = get_object_or_404(
                VolunteerRole.objects.select_related("activity"),
                pk=self.kwargs["pk"],
                activity__in=manageable,
            )
        return self._role


class RoleUpdateView(FormPageMixin, ScopedRoleMixin, UpdateView):
    form_class = RoleForm
    page_title = gettext_lazy("Edit volunteer role")

    def get_object(self, queryset=None):
        return self.get_role()

    def back_url(self):
        return reverse("volunteers:activity_roles", args=[self.get_role().activity_id])

    def form_valid(self, form):
        try:
            actions.role_save(role=form.instance, by=self.request.user)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("volunteers:activity_roles", pk=form.instance.activity_id)


class RoleDeleteView(ScopedRoleMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        role = self.get_role()
        try:
            actions.role_delete(role=role, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role is removed."))
        return redirect("volunteers:activity_roles", pk=role.activity_id)


class RoleAssignView(ScopedRoleMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        role = self.get_role()
        form = RoleAssignForm(request.POST, volunteers=_assignable(self.scope, role.activity))
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["phone"]))
            return redirect("volunteers:activity_roles", pk=role.activity_id)
        volunteer = form.cleaned_data["volunteer"]
        try:
            actions.role_signup_create(role=role, volunteer=volunteer, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s has the role “%(role)s”.")
                % {"name": volunteer.user.display_name, "role": role.name},
            )
        return redirect("volunteers:activity_roles", pk=role.activity_id)


class ScopedRoleSignupMixin(CommunityStaffRequiredMixin):
    def get_signup(self) -> RoleSignup:
        manageable = Activity.objects.manageable_by(self.scope).values("pk")
        return get_object_or_404(
            RoleSignup.objects.select_related("role__activity", "volunteer__user"),
            pk=self.kwargs["pk"],
            role__activity__in=manageable,
        )


class RoleSignupActionView(ScopedRoleSignupMixin, View):
    """Check in, check out or cancel one volunteer's role (POST)."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, pk):
        signup = self.get_signup()
        values = {"name": signup.volunteer.user.display_name}
        try:
            if self.action == "check_in":
                actions.role_check_in(signup=signup, by=request.user)
                message = _("%(name)s is checked in.")
            elif self.action == "check_out":
                record = actions.role_check_out(signup=signup, by=request.user)
                message = _("%(name)s is checked out: %(hours)s hours await verification.")
                values["hours"] = record.hours
            else:
                actions.role_signup_cancel(signup=signup, by=request.user)
                message = _("%(name)s no longer has the role.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message % values)
        return redirect("volunteers:activity_roles", pk=signup.role.activity_id)
