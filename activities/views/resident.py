"""What a logged-in resident does: sign up, cancel, check in, 我的, my data, the calendar feed."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from activities import actions, calendar
from activities.forms import SignupForm
from activities.models import Activity, Signup
from activities.parts.trees.views import my_trees
from communities import privacy
from communities.backends import is_resident
from communities.models import DeletionRequest, ResidentProfile, new_token
from governance_portal.models import Notification
from governance_portal.ratelimit import RateLimitMixin


def _profile_or_403(user) -> ResidentProfile:
    profile = ResidentProfile.objects.filter(user=user).first()
    if profile is None:
        raise PermissionDenied
    return profile


class SignupCreateView(RateLimitMixin, FormView):
    """GET shows the signup form; POST signs the resident (and family) up."""

    rate_limit_scope = "signup"
    rate_limit_setting = "RATE_LIMIT_SIGNUP_PER_MINUTE"
    rate_limit_per = "user"

    form_class = SignupForm
    template_name = "activities/signup_form.html"

    def dispatch(self, request, *args, **kwargs):
        # Whether the user is a resident came with the session's user (no query of its own).
        if request.user.is_authenticated and not is_resident(request.user):
            raise PermissionDenied
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
                % {"position": signup.waitlist_position},
            )
        return redirect(self.activity)


class SignupCancelView(RateLimitMixin, View):
    http_method_names = ["post"]
    rate_limit_scope = "signup"
    rate_limit_setting = "RATE_LIMIT_SIGNUP_PER_MINUTE"
    rate_limit_per = "user"

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
            my_trees=my_trees(user),
            **kwargs,
        )


class DeletionRequestForm(forms.ModelForm):
    class Meta:
        model = DeletionRequest
        fields = ["reason"]
        labels = {"reason": gettext_lazy("Anything we should know (optional)")}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


@method_decorator(never_cache, name="dispatch")
class MyDataView(TemplateView):
    """我的数据: everything the portal holds about the logged-in user, as a page and as a JSON
    download (``?format=json``); POST asks for the account to be deleted."""

    template_name = "activities/my_data.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "json":
            return self.download()
        return super().get(request, *args, **kwargs)

    def download(self) -> HttpResponse:
        body = json.dumps(
            privacy.my_data_as_json(privacy.my_data(self.request.user)),
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=2,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", DeletionRequestForm())
        return super().get_context_data(data=privacy.my_data(self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        form = DeletionRequestForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            privacy.deletion_request_create(user=request.user, reason=form.cleaned_data["reason"])
        except privacy.DeletionRequestExists as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(
                request,
                _(
                    "We have your request. An administrator will delete your personal data "
                    "and tell you; until then you can still use the portal."
                ),
            )
        return redirect("activities:my_data")


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
