"""Reading clubs (全民阅读): the public club pages, joining, and the staff pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from activities import actions as activity_actions
from activities.models import Activity, BookShare, ClubMember, ClubSession, ReadingClub
from activities.parts.clubs import actions
from activities.parts.clubs.filters import ClubFilter
from activities.parts.clubs.forms import (
    BookShareForm,
    ClubForm,
    ClubMemberAddForm,
    ClubSessionForm,
)
from activities.views.manage import ManagedActivityMixin
from communities.models import Community, ResidentProfile
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from volunteers.views.pages import FormPageMixin

#: The public book list shows the most-recommended books, up to this many.
BOOK_LIST_SIZE = 30
RECENT_SHARES = 10
#: Sessions listed on the staff club page (the activity list has them all).
MANAGE_SESSIONS = 20


def public_sessions(club: ReadingClub):
    """The club's sessions that anyone may see (never a draft activity), newest first."""
    return (
        club.sessions.exclude(activity__status=Activity.Status.DRAFT)
        .select_related("activity")
        .order_by("-activity__starts_at", "-pk")
    )


# --- public ----------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class ClubListView(ListView):
    template_name = "activities/parts/clubs_list.html"
    paginate_by = 20

    def get_queryset(self):
        queryset = (
            ReadingClub.objects.active()
            .with_member_count()
            .select_related("community__street")
            .order_by("community__name", "name", "pk")
        )
        self.filterset = ClubFilter(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class ClubDetailView(ListView):
    """A club: what it is, when it meets, its sessions (paginated), its book list, recent shares
    with the recommender's name masked, and joining for residents of its community."""

    template_name = "activities/parts/clubs_detail.html"
    paginate_by = 12

    def get_club(self) -> ReadingClub:
        if not hasattr(self, "_club"):
            self._club = get_object_or_404(
                ReadingClub.objects.active()
                .with_member_count()
                .select_related("community__street"),
                pk=self.kwargs["pk"],
            )
        return self._club

    def get_queryset(self):
        return public_sessions(self.get_club())

    def get_context_data(self, **kwargs):
        club, user = self.get_club(), self.request.user
        recent = (
            BookShare.objects.filter(club=club)
            .exclude(session__activity__status=Activity.Status.DRAFT)
            .select_related("recommended_by__resident", "session__activity")
            .order_by("-shared_at", "-pk")[:RECENT_SHARES]
        )
        membership, lives_here = None, False
        if user.is_authenticated:
            membership = ClubMember.objects.current().filter(club=club, resident=user).first()
            lives_here = ResidentProfile.objects.filter(
                user=user, community_id=club.community_id
            ).exists()
        return super().get_context_data(
            club=club,
            books=list(club.book_list()[:BOOK_LIST_SIZE]),
            recent_shares=list(recent),
            membership=membership,
            can_join=lives_here and membership is None,
            **kwargs,
        )


class ClubJoinView(View):
    """A resident of the club's community joins it (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        club = get_object_or_404(ReadingClub.objects.active().select_related("community"), pk=pk)
        if not ResidentProfile.objects.filter(user=request.user).exists():
            raise PermissionDenied
        try:
            actions.club_join(club=club, resident=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Welcome to %(club)s! See you at the next session.") % {"club": club}
            )
        return redirect(club)


class ClubLeaveView(View):
    """A member leaves the club (POST); their book shares stay in the book list."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not ResidentProfile.objects.filter(user=request.user).exists():
            raise PermissionDenied
        member = get_object_or_404(
            ClubMember.objects.current().select_related("club"),
            club_id=pk,
            club__archived=False,
            resident=request.user,
        )
        try:
            actions.club_member_leave(member=member, by=request.user)
        except ValidationError as error:  # a double tap: the first one already left
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("You have left %(club)s.") % {"club": member.club})
        return redirect(member.club)


# --- staff: clubs and members ----------------------------------------------------------------


class ScopedClubMixin(CommunityStaffRequiredMixin):
    """Fetches the club through the staff member's scope: another community's is a 404."""

    def get_club(self) -> ReadingClub:
        if not hasattr(self, "_club"):
            self._club = get_object_or_404(
                ReadingClub.objects.in_scope(self.scope).select_related("community__street"),
                pk=self.kwargs["pk"],
            )
        return self._club


class ClubManageListView(CommunityStaffRequiredMixin, ListView):
    template_name = "activities/parts/clubs_manage_list.html"
    paginate_by = 25

    def get_queryset(self):
        return (
            ReadingClub.objects.in_scope(self.scope)
            .with_member_count()
            .annotate(session_count=Count("sessions", distinct=True))
            .select_related("community")
            .order_by("archived", "community__name", "name", "pk")
        )


class ClubCreateView(FormPageMixin, CommunityStaffRequiredMixin, FormView):
    form_class = ClubForm
    page_title = gettext_lazy("New reading club")
    page_intro = gettext_lazy(
        "A reading club belongs to one community; residents of that community can join it."
    )

    def back_url(self):
        return reverse("activities:club_manage_list")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "communities": Community.objects.in_scope(self.scope).order_by("name"),
        }

    def form_valid(self, form):
        try:
            club = actions.club_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The reading club was created."))
        return redirect("activities:club_manage", pk=club.pk)


class ClubUpdateView(FormPageMixin, ScopedClubMixin, FormView):
    form_class = ClubForm
    page_title = gettext_lazy("Edit reading club")

    def back_url(self):
        return reverse("activities:club_manage", args=[self.get_club().pk])

    def get_form_kwargs(self):
        # A copy: the form writes its data onto its instance while validating.
        instance = ReadingClub.objects.get(pk=self.get_club().pk)
        return {**super().get_form_kwargs(), "instance": instance}

    def form_valid(self, form):
        try:
            club = actions.club_update(
                club=self.get_club(), changes=form.cleaned_data, by=self.request.user
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The reading club was saved."))
        return redirect("activities:club_manage", pk=club.pk)


class ClubManageView(ScopedClubMixin, ListView):
    """A club's staff page: its members (full names, masked phones) and sessions."""

    template_name = "activities/parts/clubs_manage.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            self.get_club()
            .members.select_related("resident")
            .order_by(F("left_at").asc(nulls_first=True), "resident__name", "pk")
        )

    def get_context_data(self, **kwargs):
        club = self.get_club()
        sessions = club.sessions.select_related("activity").annotate(
            share_count=Count("book_shares")
        )
        return super().get_context_data(
            club=club,
            sessions=list(sessions.order_by("-activity__starts_at", "-pk")[:MANAGE_SESSIONS]),
            current_members=club.members.current().count(),
            **kwargs,
        )


class ClubMemberAddView(FormPageMixin, ScopedClubMixin, FormView):
    """Add a member at the desk by mobile number."""

    form_class = ClubMemberAddForm
    page_title = gettext_lazy("Add a member at the desk")
    page_intro = gettext_lazy(
        "For residents who join in person. A new mobile number becomes a resident record of "
        "the club's community."
    )
    submit_label = gettext_lazy("Add member")

    def back_url(self):
        return reverse("activities:club_manage", args=[self.get_club().pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(club=self.get_club(), **kwargs)

    def form_valid(self, form):
        club, data = self.get_club(), form.cleaned_data
        try:
            with transaction.atomic():  # a refusal leaves no new resident behind
                resident = activity_actions.resident_find_or_create_at_desk(
                    name=data["name"],
                    phone=data["phone"],
                    community=club.community,
                    scope=self.scope,
                    by=self.request.user,
                )
                actions.club_member_add(club=club, resident=resident, by=self.request.user)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s is now a member.") % {"name": resident.display_name}
        )
        return redirect("activities:club_manage", pk=club.pk)


class ClubMemberLeaveView(CommunityStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        clubs = ReadingClub.objects.in_scope(self.scope).values("pk")
        member = get_object_or_404(
            ClubMember.objects.select_related("resident"), pk=pk, club__in=clubs
        )
        try:
            actions.club_member_leave(member=member, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s has left the club.") % {"name": member.resident.display_name}
            )
        return redirect("activities:club_manage", pk=member.club_id)


# --- staff: one reading-club activity (the kind's staff page) ---------------------------------


class ActivityClubView(ManagedActivityMixin, TemplateView):
    """Attach a reading-club activity to its community's club, then record the books shared."""

    template_name = "activities/parts/clubs_activity.html"

    def get_session(self) -> ClubSession | None:
        if not hasattr(self, "_session"):
            self._session = (
                ClubSession.objects.select_related("club")
                .filter(activity=self.get_activity())
                .first()
            )
        return self._session

    def is_club_activity(self) -> bool:
        activity = self.get_activity()
        return activity.kind == Activity.Kind.READING_CLUB and activity.community_id is not None

    def session_form(self, data=None) -> ClubSessionForm:
        activity, session = self.get_activity(), self.get_session()
        clubs = ReadingClub.objects.in_scope(self.scope).filter(community_id=activity.community_id)
        current = Q(pk=session.club_id) if session else Q(pk__in=[])
        initial = {"club": session.club_id, "theme": session.theme} if session else {}
        return ClubSessionForm(
            data,
            initial=initial,
            clubs=clubs.filter(Q(archived=False) | current).order_by("name"),
            prefix="session",
        )

    def share_form(self, data=None) -> BookShareForm | None:
        session = self.get_session()
        if session is None:
            return None
        members = (
            session.club.members.current().select_related("resident").order_by("resident__name")
        )
        return BookShareForm(data, members=members, prefix="share")

    def get_context_data(self, **kwargs):
        session = self.get_session() if self.is_club_activity() else None
        if self.is_club_activity():
            kwargs.setdefault("session_form", self.session_form())
            kwargs.setdefault("share_form", self.share_form())
        else:
            kwargs.update(session_form=None, share_form=None)
        shares = []
        if session is not None:
            shares = list(
                session.book_shares.select_related("recommended_by__resident").order_by("pk")
            )
        return super().get_context_data(
            session=session,
            shares=shares,
            is_reading_club=self.get_activity().kind == Activity.Kind.READING_CLUB,
            **kwargs,
        )

    def post(self, request, pk):
        if not self.is_club_activity():
            messages.error(request, _("This page is for reading-club activities of a community."))
            return redirect("activities:activity_manage", pk=pk)
        if request.POST.get("step") == "share":
            return self.post_share()
        return self.post_session()

    def post_session(self):
        form = self.session_form(self.request.POST)
        if form.is_valid():
            try:
                actions.club_session_attach(
                    activity=self.get_activity(),
                    club=form.cleaned_data["club"],
                    theme=form.cleaned_data["theme"],
                    by=self.request.user,
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(self.request, _("The club session was saved."))
                return redirect("activities:activity_club", pk=self.get_activity().pk)
        return self.render_to_response(self.get_context_data(session_form=form))

    def post_share(self):
        form = self.share_form(self.request.POST)
        if form is None:
            messages.error(self.request, _("Choose the reading club first."))
            return redirect("activities:activity_club", pk=self.get_activity().pk)
        if form.is_valid():
            try:
                share = actions.book_share_add(
                    session=self.get_session(), by=self.request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                added = _("%(title)s was added to this session's books.")
                messages.success(self.request, added % {"title": share.title})
                return redirect("activities:activity_club", pk=self.get_activity().pk)
        return self.render_to_response(self.get_context_data(share_form=form))


class ScopedShareMixin(CommunityStaffRequiredMixin):
    def get_share(self) -> BookShare:
        if not hasattr(self, "_share"):
            clubs = ReadingClub.objects.in_scope(self.scope).values("pk")
            self._share = get_object_or_404(
                BookShare.objects.select_related("session__activity", "recommended_by"),
                pk=self.kwargs["pk"],
                club__in=clubs,
            )
        return self._share


class BookShareUpdateView(FormPageMixin, ScopedShareMixin, FormView):
    form_class = BookShareForm
    page_title = gettext_lazy("Correct a shared book")

    def back_url(self):
        return reverse("activities:activity_club", args=[self.get_share().session.activity_id])

    def get_form_kwargs(self):
        share = self.get_share()
        members = (
            ClubMember.objects.filter(club_id=share.club_id)
            .filter(Q(left_at__isnull=True) | Q(pk=share.recommended_by_id))
            .select_related("resident")
            .order_by("resident__name")
        )
        instance = BookShare.objects.get(pk=share.pk)
        return {**super().get_form_kwargs(), "instance": instance, "members": members}

    def form_valid(self, form):
        share = self.get_share()
        try:
            actions.book_share_update(share=share, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The shared book was corrected."))
        return redirect(self.back_url())


class BookShareRemoveView(ScopedShareMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        share = self.get_share()
        activity_pk = share.session.activity_id
        actions.book_share_remove(share=share, by=request.user)
        messages.success(request, _("The shared book was removed."))
        return redirect("activities:activity_club", pk=activity_pk)


# --- the public activity page ------------------------------------------------------------------


def public_part_context(activity: Activity) -> dict:
    """The club and the books shared at this session, recommenders masked (two queries)."""
    session = ClubSession.objects.select_related("club").filter(activity=activity).first()
    shares = []
    if session is not None:
        shares = list(session.book_shares.select_related("recommended_by__resident").order_by("pk"))
    return {"club_session": session, "book_shares": shares}
