"""Staff pages for volunteers: register at the desk, approve, edit, teams, stars, certificates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, FormView, ListView, TemplateView, UpdateView

from communities.models import Community, Street
from communities.permissions import CommunityStaffRequiredMixin, StreetStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from volunteers import actions, queries
from volunteers.filters import VolunteerFilter
from volunteers.forms import (
    CertificateForm,
    DecisionForm,
    RevokeForm,
    StarPolicyForm,
    TeamForm,
    VolunteerDeskForm,
    VolunteerStaffForm,
)
from volunteers.models import Certificate, StarPolicy, Volunteer, VolunteerTeam
from volunteers.models.people import thresholds_for
from volunteers.views.pages import FormPageMixin

PROFILE_FIELDS = ("skills", "availability", "availability_note")


class ScopedVolunteerMixin(CommunityStaffRequiredMixin):
    """Volunteers of the staff member's communities; anyone else's is a 404."""

    def get_volunteer(self) -> Volunteer:
        if not hasattr(self, "_volunteer"):
            self._volunteer = get_object_or_404(
                Volunteer.objects.in_scope(self.scope).select_related(
                    "user", "community__street", "team", "decided_by", "registered_by"
                ),
                pk=self.kwargs["pk"],
            )
        return self._volunteer


class VolunteerListView(CommunityStaffRequiredMixin, ListView):
    template_name = "volunteers/manage_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = (
            Volunteer.objects.in_scope(self.scope)
            .with_hours()
            .select_related("user", "community", "team")
            .order_by("-created_at", "-pk")
        )
        self.filterset = VolunteerFilter(
            self.request.GET,
            queryset=queryset,
            scope=self.scope,
            communities=Community.objects.in_scope(self.scope),
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        pending = Volunteer.objects.in_scope(self.scope).filter(status=Volunteer.Status.PENDING)
        return super().get_context_data(
            filter=self.filterset, pending_count=pending.count(), **kwargs
        )


class VolunteerDetailView(ScopedVolunteerMixin, TemplateView):
    template_name = "volunteers/manage_detail.html"

    def get_context_data(self, **kwargs):
        volunteer = self.get_volunteer()
        totals = queries.hour_totals(volunteer)
        return super().get_context_data(
            volunteer=volunteer,
            totals=totals,
            stars=queries.stars_for(volunteer, totals.verified),
            records=volunteer.service_records.select_related("activity", "decided_by")[:100],
            certificates=volunteer.certificates.select_related("community", "issued_by")[:20],
            roles=volunteer.role_signups.select_related("role__activity").order_by(
                "-role__activity__starts_at", "-pk"
            )[:20],
            decision_form=DecisionForm(),
            certificate_form=CertificateForm(),
            **kwargs,
        )


class VolunteerDecideView(ScopedVolunteerMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        volunteer = self.get_volunteer()
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or decline."))
            return redirect("volunteers:manage_detail", pk=pk)
        approve = form.cleaned_data["decision"] == "approve"
        try:
            actions.volunteer_decide(
                volunteer=volunteer,
                by=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = volunteer.user.display_name
            if approve:
                messages.success(request, _("%(name)s is approved.") % {"name": name})
            else:
                messages.success(request, _("%(name)s is declined.") % {"name": name})
        return redirect("volunteers:manage_detail", pk=pk)


class VolunteerDeskRegisterView(FormPageMixin, CommunityStaffRequiredMixin, FormView):
    """Register a volunteer in person (found or created as a resident by mobile number)."""

    form_class = VolunteerDeskForm
    page_title = gettext_lazy("Register a volunteer at the desk")
    page_intro = gettext_lazy(
        "For residents who register in person. A new mobile number becomes a resident record of "
        "the chosen community; the volunteer is approved at once."
    )
    submit_label = gettext_lazy("Register")

    def back_url(self):
        return reverse("volunteers:manage_list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "communities": Community.objects.in_scope(self.scope)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a refusal leaves no new resident behind
                volunteer = actions.volunteer_register_at_desk(
                    name=data["name"],
                    phone=data["phone"],
                    community=data["community"],
                    team=data["team"],
                    scope=self.scope,
                    by=self.request.user,
                    **{name: data[name] for name in PROFILE_FIELDS},
                )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is registered as a volunteer.") % {"name": volunteer.user.display_name},
        )
        return redirect("volunteers:manage_detail", pk=volunteer.pk)


class VolunteerUpdateView(FormPageMixin, ScopedVolunteerMixin, UpdateView):
    form_class = VolunteerStaffForm
    page_title = gettext_lazy("Edit volunteer")

    def back_url(self):
        return reverse("volunteers:manage_detail", args=[self.kwargs["pk"]])

    def get_object(self, queryset=None):
        return self.get_volunteer()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "communities": Community.objects.in_scope(self.scope)}

    def form_valid(self, form):
        volunteer = Volunteer.objects.get(pk=self.object.pk)
        try:
            actions.volunteer_update(
                volunteer=volunteer, by=self.request.user, changes=form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("volunteers:manage_detail", pk=volunteer.pk)


class CertificateIssueView(ScopedVolunteerMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        volunteer = self.get_volunteer()
        form = CertificateForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect("volunteers:manage_detail", pk=pk)
        try:
            certificate = actions.certificate_issue(
                volunteer=volunteer, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("volunteers:manage_detail", pk=pk)
        messages.success(request, _("The certificate is issued. Print it from this page."))
        return redirect(certificate)


class CertificateRevokeView(FormPageMixin, CommunityStaffRequiredMixin, FormView):
    form_class = RevokeForm
    page_title = gettext_lazy("Revoke a certificate")
    page_intro = gettext_lazy(
        "A revoked certificate shows as revoked on the public check page. This cannot be undone."
    )
    submit_label = gettext_lazy("Revoke")

    def back_url(self):
        return reverse("volunteers:manage_detail", args=[self.get_certificate().volunteer_id])

    def get_certificate(self) -> Certificate:
        certificate = get_object_or_404(
            Certificate.objects.select_related("volunteer", "community"), pk=self.kwargs["pk"]
        )
        # The issuing community, or the volunteer's community now (the same rule as the page).
        covered = self.scope.covers_community(certificate.community_id)
        if not covered and not self.scope.covers_community(certificate.volunteer.community_id):
            raise Http404
        return certificate

    def form_valid(self, form):
        certificate = self.get_certificate()
        try:
            actions.certificate_revoke(
                certificate=certificate, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The certificate is revoked."))
        return redirect("volunteers:manage_detail", pk=certificate.volunteer_id)


# --- teams -----------------------------------------------------------------------------------


class TeamListView(CommunityStaffRequiredMixin, ListView):
    template_name = "volunteers/team_list.html"
    paginate_by = 50

    def get_queryset(self):
        from django.db.models import Count, Q

        return (
            VolunteerTeam.objects.in_scope(self.scope)
            .select_related("community", "street")
            .annotate(
                member_count=Count("members", filter=Q(members__status=Volunteer.Status.APPROVED))
            )
            .order_by("archived", "name", "pk")
        )


class TeamFormMixin(FormPageMixin, CommunityStaffRequiredMixin):
    form_class = TeamForm
    page_title = gettext_lazy("Volunteer team")

    def back_url(self):
        return reverse("volunteers:team_list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def form_valid(self, form):
        try:
            actions.team_save(team=form.instance, by=self.request.user)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("volunteers:team_list")


class TeamCreateView(TeamFormMixin, CreateView):
    pass


class TeamUpdateView(TeamFormMixin, UpdateView):
    def get_queryset(self):
        return VolunteerTeam.objects.in_scope(self.scope)


# --- star levels -----------------------------------------------------------------------------


class StarPolicyView(FormPageMixin, StreetStaffRequiredMixin, FormView):
    """A street's thresholds for one to five stars."""

    form_class = StarPolicyForm
    page_intro = gettext_lazy(
        "Verified hours a volunteer needs for each star. The default follows the national "
        "rules (中国社区志愿者注册管理办法 第十八条): 100, 300, 600, 1000 and 1500 hours."
    )

    @property
    def page_title(self):
        return _("Star levels of %(street)s") % {"street": self.get_street().name}

    def back_url(self):
        return reverse("volunteers:manage_list")

    def get_street(self) -> Street:
        streets = Street.objects.all()
        if not self.scope.everything:
            streets = streets.filter(pk__in=self.scope.street_ids)
        return get_object_or_404(streets, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        street = self.get_street()
        policy = StarPolicy.objects.filter(street=street).first()
        if policy is None:
            policy = StarPolicy(
                street=street, **dict(zip(StarPolicy.FIELDS, thresholds_for(None), strict=True))
            )
        return {**super().get_form_kwargs(), "instance": policy}

    def form_valid(self, form):
        try:
            actions.star_policy_save(
                street=self.get_street(), by=self.request.user, thresholds=form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The star-level thresholds are saved."))
        return redirect(reverse("volunteers:star_policy", args=[self.kwargs["pk"]]))
