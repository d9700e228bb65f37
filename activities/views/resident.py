"""What a logged-in resident does: sign up, cancel, check in, 我的, the calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from activities import actions, calendar
from activities.forms import SignupForm
from activities.models import Activity, Signup
from communities.models import ResidentProfile, new_token
from governance_portal.models import Notification


def _profile_or_403(user) -> ResidentProfile:
    profile = ResidentProfile.objects.filter(user=user).first()
    if profile is None:
        raise PermissionDenied
    return profile


class SignupCreateView(FormView):
    """GET shows the signup form; POST signs the resident (and family) up."""

    form_class = SignupForm
    template_name = "activities/signup_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _profile_or_403(request.user)
        self.activity = get_object_or_404(
            Activity.objects.public().select_related("community", "street"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            signup = actions.signup_create(
                activity=self.activity,
                resident=self.request.user,
                party_size=data["party_size"],
                children_under_14=data["children_under_14"],
                guardian_consent=data["guardian_consent"],
            )
        except actions.SignupError as error:
            messages.error(self.request, error.messages[0])
            return redirect(self.activity)
        if signup.status == Signup.Status.CONFIRMED:
            messages.success(self.request, _("You are signed up. See you there!"))
        else:
            messages.info(
                self.request,
                _("The activity is full. You are number %(position)d on the waiting list.")
                % {
                    "position": Signup.objects.with_waitlist_position()
                    .get(pk=signup.pk)
                    .waitlist_position
                },
            )
        return redirect(self.activity)


class SignupCancelView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        signup = get_object_or_404(
            Signup.objects.select_related("activity"), pk=pk, resident=request.user
        )
        try:
            actions.signup_cancel(signup=signup, by=request.user)
        except actions.SignupError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Your sign-up is cancelled."))
        if request.POST.get("next") == "me":
            return redirect("activities:me")
        return redirect(signup.activity)


class SelfCheckinView(TemplateView):
    """The page a resident's phone opens from the activity's QR code. GET asks, POST checks in."""

    template_name = "activities/self_checkin.html"

    def dispatch(self, request, *args, **kwargs):
        self.activity = get_object_or_404(Activity.objects.public(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            activity=self.activity,
            valid=self.kwargs["token"] == self.activity.checkin_token
            and self.activity.checkin_is_open(),
            **kwargs,
        )

    def post(self, request, pk, token):
        try:
            actions.signup_self_checkin(activity=self.activity, resident=request.user, token=token)
        except actions.SignupError as error:
            messages.error(request, error.messages[0])
            return redirect(request.path)
        messages.success(request, _("You are checked in. Welcome!"))
        return redirect(self.activity)


class MyPageView(TemplateView):
    """我的: my signups with waitlist positions, and my notifications."""

    template_name = "activities/me.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        signups = list(
            Signup.objects.filter(resident=user)
            .with_waitlist_position()
            .select_related("activity__community", "activity__street")
            .order_by("-activity__starts_at", "-pk")[:100]
        )
        now = timezone.now()
        for signup in signups:
            signup.upcoming = signup.activity.ends_at >= now
        profile = ResidentProfile.objects.filter(user=user).first()
        feed_url = (
            self.request.build_absolute_uri(
                reverse("activities:calendar_feed", args=[profile.calendar_token])
            )
            if profile
            else ""
        )
        return super().get_context_data(
            upcoming=[s for s in signups if s.upcoming],
            past=[s for s in signups if not s.upcoming],
            notifications=Notification.objects.filter(user=user)[:20],
            unread_count=Notification.objects.filter(user=user).unread().count(),
            feed_url=feed_url,
            **kwargs,
        )


class NotificationsReadView(View):
    http_method_names = ["post"]

    def post(self, request):
        Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
        return redirect("activities:me")


class CalendarTokenResetView(View):
    http_method_names = ["post"]

    def post(self, request):
        profile = _profile_or_403(request.user)
        profile.calendar_token = new_token()
        profile.save(update_fields=["calendar_token"])
        messages.success(
            request, _("Your calendar link was renewed; the old link no longer works.")
        )
        return redirect("activities:me")


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """A resident's signups as a calendar feed, reachable with the secret token alone."""

    def get(self, request, token):
        profile = get_object_or_404(
            ResidentProfile.objects.select_related("user"), calendar_token=token
        )
        signups = Signup.objects.filter(
            resident=profile.user,
            status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITLISTED, Signup.Status.ATTENDED],
        ).select_related("activity")[:500]
        waiting = frozenset(s.activity_id for s in signups if s.status == Signup.Status.WAITLISTED)
        body = calendar.render(
            [signup.activity for signup in signups],
            request=request,
            name=_("My activities"),
            waiting=waiting,
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
