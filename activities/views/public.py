"""Pages anyone may open: the activity list, an activity, the news feed, calendar files."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import DetailView, ListView

from activities import calendar
from activities.filters import ActivityFilter
from activities.forms import SignupForm
from activities.models import Activity, ActivityPhoto, Signup
from communities.backends import is_resident
from communities.models import ResourceAllocation
from communities.permissions import scope_for
from governance_portal import pagecache
from governance_portal.pagecache import anonymous_page
from governance_portal.pagination import LookaheadPaginator
from governance_portal.prepared import PreparedQuery

LIST_RELATED = ("community", "street")
PUBLIC_PARTS = {
    "facts": "activities/includes/_detail_facts.html",
    "about": "activities/includes/_detail_about.html",
}
#: The activity row itself (with its street, community and roles), as a visitor sees it.
PUBLIC_ROW = "row"
PUBLIC_RELATED = (
    Prefetch("photos", queryset=ActivityPhoto.objects.order_by("pk")),
    Prefetch(
        "allocations", queryset=ResourceAllocation.objects.select_related("resource").order_by("pk")
    ),
)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(anonymous_page("activity_list"), name="dispatch")
class ActivityListView(ListView):
    template_name = "activities/activity_list.html"
    paginate_by = 20
    paginator_class = LookaheadPaginator

    def get_queryset(self):
        queryset = (
            Activity.objects.filter(status=Activity.Status.PUBLISHED)
            .select_related(*LIST_RELATED)
            .order_by("starts_at", "pk")
        )
        self.filterset = ActivityFilter(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


def _viewers_signup(activity: int, resident: int):
    """The viewer's own active signup of the activity, with its place on the waiting list."""
    return (
        Signup.objects.active()
        .with_waitlist_position()
        .filter(activity_id=activity, resident_id=resident)
        .order_by("created_at", "pk")[:1]
    )


#: Run by every resident's view of an activity: compiled once per process.
VIEWERS_SIGNUP = PreparedQuery(_viewers_signup, "activity", "resident")


@method_decorator(login_not_required, name="dispatch")
class ActivityDetailView(DetailView):
    template_name = "activities/activity_detail.html"

    def get_queryset(self):
        user = self.request.user
        scope = scope_for(user)
        return (
            Activity.objects.visible_to(user, scope)
            .select_related("community", "street")
            # The roles are shown to each viewer with their own place in them; the rest of the
            # activity's relations only when its public parts are rendered (public_parts).
            .prefetch_related("volunteer_roles")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity, user = self.object, self.request.user
        scope = scope_for(user)
        context["can_manage"] = (
            scope.is_staff and Activity.objects.manageable_by(scope).filter(pk=activity.pk).exists()
        )
        context["my_signup"] = None
        # Whether the viewer may sign up at all: known with the session's user.
        context["is_resident"] = is_resident(user)
        if user.is_authenticated:
            context["my_signup"] = VIEWERS_SIGNUP.first(activity=activity.pk, resident=user.pk)
        now = timezone.now()
        context["signup_open"] = activity.signup_is_open(now)
        context["signup_opens_later"] = (
            activity.status == Activity.Status.PUBLISHED
            and activity.signup_opens_at is not None
            and now < activity.signup_opens_at
        )
        context["form"] = SignupForm()
        context.update(self.public_parts(context))
        return context

    def get(self, request, *args, **kwargs):
        # The keys of the public entries before any row is read: a write that commits while
        # this request runs then leaves nothing stale under the version that follows it. All
        # of them are read at once.
        language, current = getattr(request, "LANGUAGE_CODE", ""), pagecache.version()
        self.public_keys = {
            name: pagecache.key("activity", name, kwargs["pk"], language, at=current)
            for name in PUBLIC_PARTS
        }
        self.public_keys[PUBLIC_ROW] = pagecache.key(
            "activity", PUBLIC_ROW, kwargs["pk"], at=current
        )
        self.cached = pagecache.store.get_many(list(self.public_keys.values()))
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        """The activity with its street, community and roles. What a resident or a visitor
        sees of it is the same for all of them (it is public, and a draft is a 404): it is kept
        with the public parts until the next write. Staff, who may see drafts, read it."""
        if scope_for(self.request.user).is_staff:
            return super().get_object(queryset)
        entry_key = self.public_keys[PUBLIC_ROW]
        activity = self.cached.get(entry_key)
        if activity is None:
            activity = super().get_object(queryset)
            pagecache.store.set(entry_key, activity, pagecache.fragment_seconds())
        return activity

    def public_parts(self, context) -> dict:
        """The facts and the about-part of the page are the same for every visitor: they are
        kept until the next write (governance_portal.pagecache), and the relations only they
        show (photos, donations; the partners are on the row) are read only when they are
        rendered."""
        found = self.cached
        if any(self.public_keys[name] not in found for name in PUBLIC_PARTS):
            prefetch_related_objects([self.object], *PUBLIC_RELATED)
        parts = {}
        for name in PUBLIC_PARTS:
            entry_key = self.public_keys[name]
            html = found.get(entry_key)
            if html is None:
                html = render_to_string(PUBLIC_PARTS[name], context, request=self.request)
                if "csrfmiddlewaretoken" not in html:
                    pagecache.store.set(entry_key, html, pagecache.fragment_seconds())
            parts[name] = mark_safe(html)
        return parts


@method_decorator(login_not_required, name="dispatch")
@method_decorator(anonymous_page("news"), name="dispatch")
class NewsFeedView(ListView):
    """动态: completed activities with their reports and photos, newest first."""

    template_name = "activities/news_list.html"
    paginate_by = 10
    paginator_class = LookaheadPaginator

    def get_queryset(self):
        return (
            Activity.objects.filter(status=Activity.Status.COMPLETED)
            .exclude(report="")
            # The card's unit and partners are on the row (activities.derived): no joins.
            .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("pk")))
            .order_by("-ends_at", "-pk")
        )


@method_decorator(login_not_required, name="dispatch")
class ActivityCalendarView(View):
    """One activity as an .ics file that links back to its page."""

    def get(self, request, pk):
        activity = get_object_or_404(Activity.objects.public().select_related(*LIST_RELATED), pk=pk)
        body = calendar.render([activity], request=request, name=activity.title)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
        return response
