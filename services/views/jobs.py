"""The job board: public postings and the station's LED screen, staff pages for postings, job
seekers, referrals and monthly counts, and residents' own registrations."""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from communities.models import ResidentProfile
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from services import matching
from services.actions import jobs as actions
from services.filters_jobs import ManagePostingFilter, PostingFilter, SeekerFilter
from services.forms.jobs import (
    DeskSeekerForm,
    JobPostingForm,
    OnlineSeekerForm,
    ReferralForm,
    ReferralOutcomeForm,
    SeekerStatusForm,
)
from services.models import JobPosting, JobSeeker, Referral, ServiceStation

LED_DEFAULT_SECONDS = 15
REPORT_MONTHS = 12


def led_seconds() -> int:
    """How long the LED board shows one screen (setting ``JOBS_LED_SECONDS``, else 15)."""
    value = getattr(settings, "JOBS_LED_SECONDS", LED_DEFAULT_SECONDS)
    return value if isinstance(value, int) and value >= 3 else LED_DEFAULT_SECONDS


def led_per_screen() -> int:
    """One posting per screen, or two (setting ``JOBS_LED_PER_SCREEN``)."""
    return 2 if getattr(settings, "JOBS_LED_PER_SCREEN", 1) == 2 else 1


# Public pages -------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class PostingListView(ListView):
    template_name = "services/jobs_posting_list.html"
    paginate_by = 20

    def get_queryset(self):
        queryset = (
            JobPosting.objects.active()
            .select_related("station", "station__community")
            .order_by("-created_at", "-pk")
        )
        self.filterset = PostingFilter(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PostingDetailView(DetailView):
    """One open posting; expired or withdrawn ones are gone (404)."""

    template_name = "services/jobs_posting_detail.html"
    context_object_name = "posting"

    def get_queryset(self):
        return JobPosting.objects.active().select_related("station", "station__community")


@method_decorator(login_not_required, name="dispatch")
class LedBoardView(TemplateView):
    """The station's screen: open postings one (or two) at a time, each screen reloading itself
    after a few seconds with the next index (``?i=``), so new postings appear and expired ones
    vanish without anyone touching it. No JavaScript, no login."""

    template_name = "services/jobs_led_board.html"

    def get_context_data(self, **kwargs):
        station = get_object_or_404(
            ServiceStation.objects.active().select_related("community"), pk=self.kwargs["pk"]
        )
        postings = (
            JobPosting.objects.active().filter(station=station).order_by("-created_at", "-pk")
        )
        per_screen = led_per_screen()
        total = postings.count()
        screens = max(1, -(-total // per_screen))
        try:
            index = int(self.request.GET.get("i", "0")) % screens
        except (TypeError, ValueError, OverflowError):
            index = 0
        shown = list(postings[index * per_screen : (index + 1) * per_screen]) if total else []
        return super().get_context_data(
            station=station,
            postings=shown,
            total=total,
            screen=index + 1,
            screens=screens,
            next_index=(index + 1) % screens,
            seconds=led_seconds(),
            per_screen=per_screen,
            now=timezone.localtime(),
            **kwargs,
        )


# Staff: postings -----------------------------------------------------------------------------


class ScopedPostingMixin(CommunityStaffRequiredMixin):
    def get_posting(self) -> JobPosting:
        if not hasattr(self, "_posting"):
            self._posting = get_object_or_404(
                JobPosting.objects.in_scope(self.scope).select_related("station"),
                pk=self.kwargs["pk"],
            )
        return self._posting


class PostingManageListView(CommunityStaffRequiredMixin, ListView):
    template_name = "services/jobs_posting_manage_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = (
            JobPosting.objects.in_scope(self.scope)
            .select_related("station")
            .annotate(referral_count=Count("referrals"))
            .order_by("-created_at", "-pk")
        )
        self.filterset = ManagePostingFilter(self.request.GET, queryset=queryset, scope=self.scope)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, today=timezone.localdate(), **kwargs)


class PostingFormMixin:
    form_class = JobPostingForm
    template_name = "services/jobs_posting_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}


class PostingCreateView(CommunityStaffRequiredMixin, PostingFormMixin, FormView):
    def form_valid(self, form):
        try:
            actions.posting_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The job is on the board."))
        return redirect("services:posting_manage_list")


class PostingUpdateView(ScopedPostingMixin, PostingFormMixin, FormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_posting()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(posting=self.get_posting(), **kwargs)

    def form_valid(self, form):
        try:
            actions.posting_update(
                posting=self.get_posting(), changes=form.cleaned_data, by=self.request.user
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The job posting was saved."))
        return redirect("services:posting_manage_list")


class PostingWithdrawView(ScopedPostingMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            actions.posting_withdraw(posting=self.get_posting(), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The job posting was taken off the board."))
        return redirect("services:posting_manage_list")


# Staff: job seekers --------------------------------------------------------------------------


class ScopedSeekerMixin(CommunityStaffRequiredMixin):
    def get_seeker(self) -> JobSeeker:
        if not hasattr(self, "_seeker"):
            self._seeker = get_object_or_404(
                JobSeeker.objects.in_scope(self.scope).select_related(
                    "station", "station__community", "user", "registered_by"
                ),
                pk=self.kwargs["pk"],
            )
        return self._seeker

    def referable_postings(self):
        return (
            JobPosting.objects.in_scope(self.scope)
            .active()
            .select_related("station")
            .order_by("-created_at", "-pk")
        )


class SeekerListView(CommunityStaffRequiredMixin, ListView):
    template_name = "services/jobs_seeker_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = (
            JobSeeker.objects.in_scope(self.scope)
            .select_related("station")
            .order_by("-registered_at", "-pk")
        )
        self.filterset = SeekerFilter(self.request.GET, queryset=queryset, scope=self.scope)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class SeekerCreateView(CommunityStaffRequiredMixin, FormView):
    """Registering a job seeker at the desk."""

    form_class = DeskSeekerForm
    template_name = "services/jobs_seeker_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_context_data(self, **kwargs):
        return super().get_context_data(at_desk=True, **kwargs)

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "record_consent"}
        try:
            seeker = actions.seeker_register(by=self.request.user, **data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The job seeker is registered."))
        return redirect("services:seeker_detail", pk=seeker.pk)


class SeekerDetailView(ScopedSeekerMixin, TemplateView):
    """One job seeker for staff: the full mobile number, status, referrals, suggestions."""

    template_name = "services/jobs_seeker_detail.html"

    def get_context_data(self, **kwargs):
        seeker = self.get_seeker()
        referrals = list(
            seeker.referrals.select_related("posting", "posting__station", "referred_by").order_by(
                "-referred_at", "-pk"
            )
        )
        return super().get_context_data(
            seeker=seeker,
            referrals=referrals,
            suggestions=matching.suggestions_for_seeker(seeker),
            can_refer=seeker.share_consent and seeker.status in actions.OPEN_STATUSES,
            referral_form=ReferralForm(postings=self.referable_postings()),
            status_form=SeekerStatusForm(initial={"status": seeker.status}),
            outcome_choices=Referral.Outcome.choices,
            **kwargs,
        )


class SeekerPostView(ScopedSeekerMixin, View):
    """A small POST on the seeker's page: the form's errors come back as a message."""

    http_method_names = ["post"]

    def back(self):
        return redirect("services:seeker_detail", pk=self.get_seeker().pk)

    def refuse(self, errors) -> None:
        text = " ".join(str(e) for field_errors in errors.values() for e in field_errors)
        messages.error(self.request, text)


class SeekerStatusView(SeekerPostView):
    def post(self, request, pk):
        seeker = self.get_seeker()
        form = SeekerStatusForm(request.POST)
        if not form.is_valid():
            self.refuse(form.errors)
            return self.back()
        try:
            actions.seeker_set_status(
                seeker=seeker, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The status is now: %(status)s.") % {"status": seeker.get_status_display()},
            )
        return self.back()


class ReferralCreateView(SeekerPostView):
    def post(self, request, pk):
        seeker = self.get_seeker()
        form = ReferralForm(request.POST, postings=self.referable_postings())
        if not form.is_valid():
            self.refuse(form.errors)
            return self.back()
        try:
            referral = actions.referral_create(
                seeker=seeker, posting=form.cleaned_data["posting"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Referred to %(job)s. Tell the employer and record their answer here.")
                % {"job": referral.posting},
            )
        return self.back()


class ReferralOutcomeView(CommunityStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        referral = get_object_or_404(
            Referral.objects.filter(
                seeker__in=JobSeeker.objects.in_scope(self.scope).values("pk")
            ).select_related("seeker", "posting"),
            pk=pk,
        )
        form = ReferralOutcomeForm(request.POST)
        if form.is_valid():
            try:
                actions.referral_set_outcome(
                    referral=referral, outcome=form.cleaned_data["outcome"], by=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The outcome was saved."))
        else:
            messages.error(request, " ".join(form.errors["outcome"]))
        return redirect("services:seeker_detail", pk=referral.seeker_id)


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months, oldest first, ending with ``today``'s."""
    year, month = today.year, today.month
    starts = []
    for _i in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


class JobsMonthlyView(CommunityStaffRequiredMixin, TemplateView):
    """Per month: job seekers registered, first referred and employed; one query per figure."""

    template_name = "services/jobs_monthly.html"

    def monthly(self, seekers, field: str, since: datetime, zone) -> dict[date, int]:
        rows = (
            seekers.filter(**{f"{field}__gte": since})
            .annotate(month=TruncMonth(field, tzinfo=zone))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {timezone.localtime(row["month"], zone).date(): row["n"] for row in rows}

    def get_context_data(self, **kwargs):
        zone = timezone.get_current_timezone()
        months = month_starts(timezone.localdate(), REPORT_MONTHS)
        since = timezone.make_aware(datetime.combine(months[0], time.min), zone)
        seekers = JobSeeker.objects.in_scope(self.scope)
        figures = {
            field: self.monthly(seekers, field, since, zone)
            for field in ("registered_at", "referred_at", "employed_at")
        }
        rows = [
            {
                "month": month,
                "registered": figures["registered_at"].get(month, 0),
                "referred": figures["referred_at"].get(month, 0),
                "employed": figures["employed_at"].get(month, 0),
            }
            for month in reversed(months)
        ]
        totals = {
            key: sum(row[key] for row in rows) for key in ("registered", "referred", "employed")
        }
        return super().get_context_data(rows=rows, totals=totals, **kwargs)


# Residents -----------------------------------------------------------------------------------


class SeekerRegisterView(FormView):
    """A resident registers as looking for work at a station of their community."""

    form_class = OnlineSeekerForm
    template_name = "services/jobs_seeker_form.html"

    def dispatch(self, request, *args, **kwargs):
        profile = (
            ResidentProfile.objects.filter(user=request.user).only("community_id").first()
            if request.user.is_authenticated
            else None
        )
        self.stations = (
            list(
                ServiceStation.objects.active()
                .filter(community_id=profile.community_id)
                .order_by("name")
            )
            if profile
            else []
        )
        if not self.stations:
            return render(request, "services/jobs_register_unavailable.html")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["stations"] = ServiceStation.objects.filter(pk__in=[s.pk for s in self.stations])
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if len(self.stations) == 1:
            form.fields["station"].initial = self.stations[0].pk
        return form

    def get_initial(self):
        user = self.request.user
        return {"name": user.name, "phone": user.phone}

    def get_context_data(self, **kwargs):
        return super().get_context_data(at_desk=False, **kwargs)

    def form_valid(self, form):
        try:
            actions.seeker_register(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("You are registered. The station will call you when a suitable job comes up."),
        )
        return redirect("services:seeker_mine")


class SeekerMineView(ListView):
    template_name = "services/jobs_seeker_mine.html"
    context_object_name = "registrations"

    def get_queryset(self):
        return (
            JobSeeker.objects.filter(user=self.request.user)
            .select_related("station")
            .order_by("-registered_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(open_statuses=list(actions.OPEN_STATUSES), **kwargs)


class SeekerWithdrawView(View):
    """The resident is no longer looking for work."""

    http_method_names = ["post"]

    def post(self, request, pk):
        seeker = get_object_or_404(JobSeeker.objects.filter(user=request.user), pk=pk)
        try:
            actions.seeker_withdraw(seeker=seeker, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your registration is closed. Good luck!"))
        return redirect(reverse("services:seeker_mine"))
