"""The governance training base (社区治理研学基地): programmes, instructors, trainees, and the
training page of one activity (its session, attendance and scores).

Who may do what (the design: street staff run the training base):

* **Street staff and administrators** create and change programmes, instructors and trainees,
  attach training activities of their street to a programme, set a session's topic and
  instructors, and record attendance and scores for every session in their streets.
* **Community staff** may *read* their street's programmes (the list and the programme page),
  and record attendance and scores only for sessions whose activity they may manage
  (``Activity.objects.manageable_by``: their community's own training activities). They cannot
  attach an activity to a programme or change a session.
* A resident gets 403; another street's programme, or an activity outside the scope, is a 404
  (objects are only ever fetched through ``TrainingProgramme.objects.in_scope`` and
  ``Activity.objects.manageable_by``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from activities.models import (
    Activity,
    Instructor,
    Trainee,
    TrainingAttendance,
    TrainingProgramme,
    TrainingScore,
    TrainingSession,
)
from activities.parts.training import actions, queries
from activities.parts.training.filters import ProgrammeFilter
from activities.parts.training.forms import (
    AttendanceForm,
    InstructorForm,
    ProgrammeForm,
    SessionAttachForm,
    SessionForm,
    TraineeForm,
)
from activities.views.manage import ManagedActivityMixin
from communities.permissions import CommunityStaffRequiredMixin, StreetStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from volunteers.views.pages import FormPageMixin


def public_part_context(activity: Activity) -> dict:
    """The public activity page's training section: programme, topic and instructors (names and
    titles are public; trainees never are). Two queries at most."""
    session = (
        TrainingSession.objects.filter(activity=activity)
        .select_related("programme")
        .prefetch_related(Prefetch("instructors", queryset=Instructor.objects.order_by("name")))
        .first()
    )
    return {"training_session": session}


class ProgrammeMixin:
    """Fetches the programme through the scope: another street's is a 404."""

    def programmes(self):
        return TrainingProgramme.objects.in_scope(self.scope).select_related("street")

    def get_programme(self) -> TrainingProgramme:
        if not hasattr(self, "_programme"):
            self._programme = get_object_or_404(self.programmes(), pk=self.kwargs["pk"])
        return self._programme


# --- programmes ----------------------------------------------------------------------------------


class ProgrammeListView(CommunityStaffRequiredMixin, ListView):
    """Programmes by year with their progress, in one query for the page."""

    template_name = "activities/parts/training_programme_list.html"
    paginate_by = 20

    def get_queryset(self):
        queryset = queries.with_progress(
            TrainingProgramme.objects.in_scope(self.scope).select_related("street")
        ).order_by("-year", "track", "street__name", "pk")
        self.filterset = ProgrammeFilter(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programmes = list(context["object_list"])
        queries.add_rates(programmes)
        context.update(
            programmes=programmes,
            filter=self.filterset,
            can_run_base=self.scope.is_street_staff,
        )
        return context


class ProgrammeFormMixin(FormPageMixin):
    form_class = ProgrammeForm

    def form_valid(self, form):
        try:
            programme = self.save(form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The programme was saved."))
        return redirect("activities:programme_detail", pk=programme.pk)


class ProgrammeCreateView(StreetStaffRequiredMixin, ProgrammeFormMixin, FormView):
    page_title = gettext_lazy("New training programme")
    page_intro = gettext_lazy(
        "Each street runs each programme once a year: 头雁领航工程, 岗位育苗工程, 技能比武工程."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def back_url(self) -> str:
        return reverse("activities:programme_list")

    def save(self, data: dict) -> TrainingProgramme:
        return actions.programme_create(by=self.request.user, **data)


class ProgrammeUpdateView(StreetStaffRequiredMixin, ProgrammeMixin, ProgrammeFormMixin, FormView):
    page_title = gettext_lazy("Change the training programme")

    def programmes(self):
        return super().programmes().runnable_by(self.scope)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "scope": self.scope,
            "programme": self.get_programme(),
        }

    def back_url(self) -> str:
        return self.get_programme().get_absolute_url()

    def get_context_data(self, **kwargs):
        programme = self.get_programme()
        intro = f"{programme.street.name} · {programme}"
        return {**super().get_context_data(**kwargs), "intro": intro}

    def save(self, data: dict) -> TrainingProgramme:
        return actions.programme_update(
            programme=self.get_programme(), by=self.request.user, **data
        )


class ProgrammeDetailView(CommunityStaffRequiredMixin, ProgrammeMixin, TemplateView):
    """A programme's page: progress, sessions, instructors, trainees with their attendance
    rates and, for a skills contest, the ranking. A fixed number of queries."""

    template_name = "activities/parts/training_programme_detail.html"

    def programmes(self):
        return queries.with_progress(
            super()
            .programmes()
            .prefetch_related(
                Prefetch("instructors", queryset=Instructor.objects.order_by("name", "pk"))
            )
        )

    def get_context_data(self, **kwargs):
        programme = self.get_programme()
        queries.add_rates([programme])
        trainees = list(queries.programme_trainees(programme))
        for trainee in trainees:
            trainee.attendance_rate = queries.percent(trainee.attended, trainee.attendance_counted)
        return super().get_context_data(
            programme=programme,
            sessions=list(queries.programme_sessions(programme, self.scope)),
            instructors=list(programme.instructors.all()),
            trainees=trainees,
            ranking=queries.ranking(trainees) if programme.is_contest else [],
            can_run_base=self.scope.covers_street(programme.street_id),
            **kwargs,
        )


# --- instructors and trainees --------------------------------------------------------------------


class InstructorCreateView(StreetStaffRequiredMixin, FormPageMixin, FormView):
    """A new instructor. From a programme's form (``?programme=<pk>``) it goes back there."""

    form_class = InstructorForm
    page_title = gettext_lazy("New instructor")
    page_intro = gettext_lazy(
        "Instructors teach at the street's training base. Their names and titles appear on "
        "the public pages of the sessions they teach."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def from_programme(self) -> TrainingProgramme | None:
        pk = self.request.GET.get("programme", "")
        if not (pk.isascii() and pk.isdigit()) or len(pk) > 12:
            return None
        return TrainingProgramme.objects.in_scope(self.scope).filter(pk=pk).first()

    def back_url(self) -> str:
        programme = self.from_programme()
        if programme is not None:
            return reverse("activities:programme_update", args=[programme.pk])
        return reverse("activities:programme_list")

    def form_valid(self, form):
        try:
            instructor = actions.instructor_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(instructor)s was added.") % {"instructor": instructor})
        return redirect(self.back_url())


class TraineeCreateView(StreetStaffRequiredMixin, ProgrammeMixin, FormPageMixin, FormView):
    form_class = TraineeForm

    def programmes(self):
        return super().programmes().runnable_by(self.scope)

    page_title = gettext_lazy("Add a trainee")
    submit_label = gettext_lazy("Add the trainee")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "scope": self.scope,
            "programme": self.get_programme(),
        }

    def back_url(self) -> str:
        return self.get_programme().get_absolute_url()

    def get_context_data(self, **kwargs):
        intro = _(
            "%(programme)s. Choose the trainee's group, then, where the person is on record, "
            "their record of that group: a staff account for a 两委 leader, the social worker, "
            "volunteer or social organisation record for the others."
        ) % {"programme": self.get_programme()}
        return {**super().get_context_data(**kwargs), "intro": intro}

    def form_valid(self, form):
        try:
            trainee = actions.trainee_create(
                programme=self.get_programme(), by=self.request.user, **form.action_arguments()
            )
        except ValidationError as error:
            form.add_action_error(error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s was added.") % {"name": trainee.name})
        return redirect("activities:trainee_create", pk=self.get_programme().pk)


class TraineeWithdrawView(StreetStaffRequiredMixin, View):
    """POST: mark a trainee withdrawn (kept in the history, left out of rates)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        programmes = TrainingProgramme.objects.runnable_by(self.scope).values("pk")
        trainee = get_object_or_404(Trainee, pk=pk, programme__in=programmes)
        try:
            actions.trainee_withdraw(trainee=trainee, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s is marked as withdrawn.") % {"name": trainee.name}
            )
        return redirect("activities:programme_detail", pk=trainee.programme_id)


# --- one training activity -----------------------------------------------------------------------

FORMS = ("attach", "session", "attendance")


class ActivityTrainingView(ManagedActivityMixin, TemplateView):
    """A training activity's session: attach it to a programme (street staff), then record
    every active trainee's attendance, and scores in a skills contest, in one form."""

    template_name = "activities/parts/training_activity.html"

    def get_activity(self) -> Activity:
        activity = super().get_activity()
        if activity.kind != Activity.Kind.TRAINING:
            raise Http404("Not a training activity")
        return activity

    def get_session(self) -> TrainingSession | None:
        if not hasattr(self, "_session"):
            self._session = (
                TrainingSession.objects.filter(activity=self.get_activity())
                .select_related("programme__street")
                .prefetch_related(
                    Prefetch("instructors", queryset=Instructor.objects.order_by("name", "pk"))
                )
                .first()
            )
        return self._session

    def build_forms(self, data=None, which=None) -> dict:
        def bound(name):
            return data if which == name else None

        activity, session = self.get_activity(), self.get_session()
        can_run_base = self.scope.covers_street(activity.street_id)
        forms = {"attach": None, "session": None, "attendance": None}
        if session is None:
            if can_run_base:
                forms["attach"] = SessionAttachForm(
                    bound("attach"), scope=self.scope, activity=activity, prefix="s"
                )
            return forms
        if can_run_base:
            forms["session"] = SessionForm(
                bound("session"),
                street_id=activity.street_id,
                prefix="s",
                initial={"topic": session.topic, "instructors": list(session.instructors.all())},
            )
        trainees = session.programme.trainees.filter(withdrawn=False).select_related("community")
        forms["attendance"] = AttendanceForm(
            bound("attendance"),
            trainees=trainees.order_by("category", "name", "pk"),
            contest=session.programme.is_contest,
            marks=dict(
                TrainingAttendance.objects.filter(session=session).values_list(
                    "trainee_id", "status"
                )
            ),
            scores=dict(
                TrainingScore.objects.filter(session=session).values_list("trainee_id", "score")
            ),
        )
        return forms

    def get_context_data(self, **kwargs):
        kwargs.setdefault("forms", self.build_forms())
        return super().get_context_data(
            session=self.get_session(),
            can_run_base=self.scope.covers_street(self.get_activity().street_id),
            cancelled=self.get_activity().status == Activity.Status.CANCELLED,
            **kwargs,
        )

    def post(self, request, pk):
        which = request.POST.get("form")
        forms = self.build_forms(request.POST, which)
        form = forms.get(which) if which in FORMS else None
        if form is None:
            messages.error(request, _("This form is not available here. Reload the page."))
            return redirect("activities:activity_training", pk=self.get_activity().pk)
        if form.is_valid():
            try:
                message = self.save(which, form)
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, message)
                return redirect("activities:activity_training", pk=self.get_activity().pk)
        return self.render_to_response(self.get_context_data(forms=forms))

    def save(self, which: str, form) -> str:
        by, data = self.request.user, form.cleaned_data
        if which == "attach":
            actions.session_attach(activity=self.get_activity(), by=by, **data)
            return _("The activity is now a session of %(programme)s.") % {
                "programme": data["programme"]
            }
        if which == "session":
            actions.session_update(session=self.get_session(), by=by, **data)
            return _("The session was saved.")
        count = actions.attendance_record(
            session=self.get_session(), marks=form.marks(), scores=form.scores(), by=by
        )
        return _("Attendance saved for %(count)d trainees.") % {"count": count}
