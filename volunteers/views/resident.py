"""A resident as volunteer: register, take roles, ask for back-dated hours, 我的志愿服务."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from communities.models import Community, ResidentProfile
from governance_portal.form_errors import add_action_error
from governance_portal.ratelimit import RateLimitMixin
from volunteers import actions, queries
from volunteers.forms import BackfillForm, RankingNameForm, VolunteerApplyForm
from volunteers.models import Certificate, RoleSignup, ServiceRecord, Volunteer, VolunteerRole

APPLY_FIELDS = ("skills", "availability", "availability_note")


def my_volunteer(user) -> Volunteer | None:
    return Volunteer.objects.filter(user=user).select_related("community", "team").first()


class VolunteerApplyView(RateLimitMixin, FormView):
    """成为志愿者: a logged-in resident registers; staff of the chosen community decide."""

    rate_limit_scope = "volunteer-apply"
    rate_limit_setting = "RATE_LIMIT_SIGNUP_PER_MINUTE"
    rate_limit_per = "user"
    form_class = VolunteerApplyForm
    template_name = "volunteers/apply_form.html"
    success_url = reverse_lazy("volunteers:me")

    def dispatch(self, request, *args, **kwargs):
        volunteer = my_volunteer(request.user) if request.user.is_authenticated else None
        if volunteer is not None and volunteer.status in {
            Volunteer.Status.PENDING,
            Volunteer.Status.APPROVED,
        }:
            messages.info(request, _("You have already registered as a volunteer."))
            return redirect("volunteers:me")
        self.volunteer = volunteer
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        profile = ResidentProfile.objects.filter(user=self.request.user).first()
        return {"community": profile.community_id} if profile else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "communities": Community.objects.all()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(previous=self.volunteer, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            actions.volunteer_apply(
                user=self.request.user,
                community=data["community"],
                team=data["team"],
                **{name: data[name] for name in APPLY_FIELDS},
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you! %(community)s will look at your registration soon.")
            % {"community": data["community"].name},
        )
        return super().form_valid(form)


class MyVolunteeringView(TemplateView):
    """我的志愿服务: status, stars, hours by status, roles, records and certificates."""

    template_name = "volunteers/me.html"

    def get_context_data(self, **kwargs):
        volunteer = my_volunteer(self.request.user)
        context = {"volunteer": volunteer}
        if volunteer is not None:
            totals = queries.hour_totals(volunteer)
            now = timezone.now()
            signups = (
                volunteer.role_signups.active()
                .filter(role__activity__ends_at__gte=now)
                .select_related("role__activity")
                .order_by("role__activity__starts_at", "pk")
            )
            context.update(
                totals=totals,
                stars=queries.stars_for(volunteer, totals.verified),
                upcoming_roles=signups[:50],
                records=volunteer.service_records.select_related("activity")[:30],
                certificates=volunteer.certificates.select_related("community")[:20],
                ranking_form=RankingNameForm(initial={"full_name": volunteer.full_name_in_ranking}),
            )
        return super().get_context_data(**context, **kwargs)


class ApprovedVolunteerMixin:
    """For pages only an approved volunteer uses: anyone else is sent to 我的志愿服务."""

    def dispatch(self, request, *args, **kwargs):
        self.volunteer = my_volunteer(request.user)
        if self.volunteer is None or not self.volunteer.is_approved:
            messages.error(request, _("Only approved volunteers can do this."))
            return redirect("volunteers:me")
        return super().dispatch(request, *args, **kwargs)


class RankingNameView(ApprovedVolunteerMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = RankingNameForm(request.POST)
        form.is_valid()  # a checkbox: always valid
        actions.volunteer_set_ranking_name(
            volunteer=self.volunteer, full_name=form.cleaned_data["full_name"]
        )
        messages.success(request, _("Your choice is saved."))
        return redirect("volunteers:me")


class BackfillCreateView(RateLimitMixin, ApprovedVolunteerMixin, FormView):
    """补录: ask for past service to be recorded."""

    rate_limit_scope = "volunteer-backfill"
    rate_limit_setting = "RATE_LIMIT_SIGNUP_PER_MINUTE"
    rate_limit_per = "user"
    form_class = BackfillForm
    template_name = "volunteers/backfill_form.html"
    success_url = reverse_lazy("volunteers:me")

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None) or None
        try:
            actions.backfill_request(
                volunteer=self.volunteer, by=self.request.user, evidence=evidence, **data
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your request is sent; the community office will verify it.")
        )
        return super().form_valid(form)


class RoleSignupView(RateLimitMixin, ApprovedVolunteerMixin, View):
    http_method_names = ["post"]
    rate_limit_scope = "role-signup"
    rate_limit_setting = "RATE_LIMIT_SIGNUP_PER_MINUTE"
    rate_limit_per = "user"

    def post(self, request, pk):
        role = get_object_or_404(
            VolunteerRole.objects.select_related("activity").exclude(activity__status="draft"),
            pk=pk,
        )
        try:
            actions.role_signup_create(role=role, volunteer=self.volunteer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("You have the role “%(role)s”. Thank you!") % {"role": role.name}
            )
        return redirect(role.activity)


class RoleSignupCancelView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        signup = get_object_or_404(
            RoleSignup.objects.select_related("role__activity", "volunteer__user"),
            pk=pk,
            volunteer__user=request.user,
        )
        try:
            actions.role_signup_cancel(signup=signup, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You no longer have this role."))
        return redirect("volunteers:me")


class CertificateView(TemplateView):
    """The printable certificate: for its holder and for staff of the volunteer's community."""

    template_name = "volunteers/certificate.html"

    def get_context_data(self, **kwargs):
        from activities.qr import qr_svg
        from communities.permissions import scope_for

        if "\x00" in self.kwargs["code"]:  # never a code; PostgreSQL refuses it in a query
            raise Http404
        certificate = get_object_or_404(
            Certificate.objects.select_related(
                "volunteer__user", "volunteer__community__street", "community__street", "issued_by"
            ).prefetch_related(
                Prefetch("records", queryset=ServiceRecord.objects.order_by("served_on", "pk"))
            ),
            code=self.kwargs["code"],
        )
        user = self.request.user
        own = certificate.volunteer.user_id == user.pk
        scope = scope_for(user)
        covered = scope.covers_community(certificate.community_id) or scope.covers_community(
            certificate.volunteer.community_id
        )
        if not own and not covered:
            raise Http404
        verify_url = self.request.build_absolute_uri(certificate.get_verify_url())
        by_year = (
            certificate.records.annotate(year=ExtractYear("served_on"))
            .values("year")
            .annotate(services=Count("pk"), hours=Sum("hours"))
            .order_by("year")
        )
        return super().get_context_data(
            certificate=certificate,
            by_year=by_year,
            verify_url=verify_url,
            qr=qr_svg(verify_url).decode(),
            **kwargs,
        )
