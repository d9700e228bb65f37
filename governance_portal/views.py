"""The home page, the display-mode switch and the privacy notice."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.db.models import Case, Prefetch, Q, Value, When
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView, TemplateView

from activities.models import Activity
from communities.forms import PortalAuthenticationForm
from communities.models import Community, ResidentProfile, Street
from communities.permissions import CommunityStaffRequiredMixin, scope_for
from governance_portal import audit
from governance_portal.display import COOKIE_AGE, DISPLAY_COOKIE, LARGE, STANDARD, same_site_only
from governance_portal.filters import AuditEventFilter
from governance_portal.headlines import latest_reports, street_headlines
from governance_portal.models import AuditEvent
from governance_portal.pagecache import anonymous_page, key, remember
from governance_portal.ratelimit import RateLimitMixin


@method_decorator(login_not_required, name="dispatch")
@method_decorator(anonymous_page("home"), name="dispatch")
class HomeView(TemplateView):
    """What is happening: activities near the visitor, the latest reports, this year's figures.

    Anonymous visitors cost four queries (streets with their figures, their communities, the
    activities, the reports) however many rows there are.
    """

    template_name = "governance_portal/home.html"
    upcoming_count = 6

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = scope_for(user)
        context["my_communities"] = (
            Community.objects.in_scope(scope).select_related("street") if scope.is_staff else []
        )
        profile = (
            ResidentProfile.objects.select_related("community", "compound")
            .filter(user=user)
            .first()
            if user.is_authenticated
            else None
        )
        context["my_profile"] = profile
        # The streets, their communities (the cards and the chooser) and their figures at once.
        year = timezone.localdate().year
        first_street_id = profile.community.street_id if profile else None
        # Yearly totals of every street: kept until the next write (governance_portal.pagecache).
        headlines = remember(
            key("headlines", year, first_street_id),
            lambda: street_headlines(
                Street.objects.select_related("district").prefetch_related(
                    Prefetch("communities", queryset=Community.objects.order_by("name"))
                ),
                year=year,
                first_street_id=first_street_id,
            ),
        )
        # The resident's street comes first here too: in the street cards and the chooser.
        streets = [headline.street for headline in headlines]
        context["streets"] = streets
        context["headlines"] = headlines
        context["headline_year"] = year

        chosen = self.chosen_community(streets)
        context["community_chosen"] = chosen is not None
        if chosen is None and profile is not None:
            chosen = profile.community
        context["near"] = chosen
        context.update(self.upcoming(chosen))
        context["reports"] = latest_reports()
        return context

    def chosen_community(self, streets: list[Street]) -> Community | None:
        """The community picked with ``?community=<pk>``; anything else is ignored."""
        value = self.request.GET.get("community", "")
        if not (value.isascii() and value.isdigit()):
            return None
        pk = int(value)
        for street in streets:
            for community in street.communities.all():
                if community.pk == pk:
                    return community
        return None

    def upcoming(self, near: Community | None) -> dict:
        """Upcoming activities, those of ``near`` and street-wide ones of its street first."""
        activities = Activity.objects.listed()
        if near is None:
            return {"upcoming_near": [], "upcoming": list(activities[: self.upcoming_count])}
        is_near = Q(community_id=near.pk) | Q(community__isnull=True, street_id=near.street_id)
        activities = activities.annotate(
            is_near=Case(When(is_near, then=Value(1)), default=Value(0))
        ).order_by("-is_near", "starts_at", "pk")[: self.upcoming_count]
        activities = list(activities)
        return {
            "upcoming_near": [activity for activity in activities if activity.is_near],
            "upcoming": [activity for activity in activities if not activity.is_near],
        }


@method_decorator(login_not_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(same_site_only, name="dispatch")
class DisplayModeView(View):
    """POST ``mode=large|standard``; remembered per browser in a cookie, works without JS.

    Without a CSRF token (like the language form beside it in the footer), so that public pages
    can be cached; a POST from another site is refused (``same_site_only``)."""

    http_method_names = ["post"]

    def post(self, request):
        mode = LARGE if request.POST.get("mode") == LARGE else STANDARD
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        response = HttpResponseRedirect(next_url)
        response.set_cookie(
            DISPLAY_COOKIE,
            mode,
            max_age=COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
        return response


@method_decorator(login_not_required, name="dispatch")
class PrivacyNoticeView(TemplateView):
    template_name = "governance_portal/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"] = settings.PRIVACY_NOTICE_VERSION
        return context


class AuditLogView(CommunityStaffRequiredMixin, ListView):
    """The audit log of the staff member's communities (administrators: everything)."""

    template_name = "governance_portal/audit_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = AuditEvent.objects.in_scope(self.scope).order_by("-at", "-pk")
        self.filterset = AuditEventFilter(self.request.GET, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PortalLoginView(RateLimitMixin, LoginView):
    """Login by username or mobile number; per-address rate limit and per-account lockout."""

    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True
    rate_limit_scope = "login"
    rate_limit_setting = "RATE_LIMIT_LOGIN_PER_MINUTE"


@method_decorator(login_not_required, name="dispatch")
class PortalPasswordResetView(RateLimitMixin, PasswordResetView):
    """Reset by e-mail, under the login rate limit: nobody floods a mailbox from here."""

    rate_limit_scope = "password-reset"
    rate_limit_setting = "RATE_LIMIT_LOGIN_PER_MINUTE"


@method_decorator(login_not_required, name="dispatch")
class PortalPasswordResetConfirmView(PasswordResetConfirmView):
    """Choosing a new password through the e-mailed link is recorded in the audit log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            action=AuditEvent.Action.UPDATE,
            instance=form.user,
            changes={"password": ["***", "reset by e-mail link"]},
            user=form.user,
        )
        return response
