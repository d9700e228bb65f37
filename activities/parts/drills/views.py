"""Fire drills (消防疏散演练): the drill report, the drills page of a community, the public part."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from activities.models import Activity, DrillAction, DrillGroup, DrillReport
from activities.models.drills import minutes_seconds
from activities.parts.drills import actions
from activities.parts.drills.forms import (
    CommunityPickForm,
    DrillActionFormSet,
    DrillGroupFormSet,
    DrillReportForm,
)
from activities.views.manage import ManagedActivityMixin
from communities.models import Community, OutsideUnit
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.charts import SECOND_STEPS, line_chart
from governance_portal.form_errors import add_action_error

#: The chart shows the most recent drills, up to this many.
CHART_POINTS = 24
OPEN_ACTIONS_PER_PAGE = 20


class DrillReportView(ManagedActivityMixin, TemplateView):
    """Create or edit the report of a fire drill that has started: all forms valid, or nothing."""

    template_name = "activities/parts/drills_report.html"

    def get_report(self) -> DrillReport | None:
        if not hasattr(self, "_report"):
            self._report = (
                DrillReport.objects.select_related("partner_unit")
                .filter(activity=self.get_activity())
                .first()
            )
        return self._report

    def refusal(self) -> str:
        """Why this activity cannot have a report (empty when it can)."""
        activity = self.get_activity()
        if activity.kind != Activity.Kind.FIRE_DRILL:
            return _("This page is for fire drills. This activity is of another kind.")
        if activity.status == Activity.Status.CANCELLED:
            return _("This drill was cancelled; it has no report.")
        if activity.starts_at > timezone.now():
            return _("The drill has not started yet; write the report after it.")
        return ""

    def forms(self, data=None) -> dict:
        activity, report = self.get_activity(), self.get_report()
        instance = report or DrillReport(activity=activity)
        units = (
            actions.partner_unit_choices(activity)
            .filter(pk__in=OutsideUnit.objects.visible_in_scope(self.scope).values("pk"))
            .order_by("name")
        )
        return {
            "form": DrillReportForm(data, instance=instance, units=units, prefix="report"),
            "groups": DrillGroupFormSet(data, instance=instance, prefix="groups"),
            "follow_ups": DrillActionFormSet(
                data,
                instance=instance,
                prefix="actions",
                queryset=DrillAction.objects.order_by("pk"),
            ),
        }

    def get_context_data(self, **kwargs):
        refusal = self.refusal()
        if not refusal and "form" not in kwargs:
            kwargs.update(self.forms())
        return super().get_context_data(refusal=refusal, report=self.get_report(), **kwargs)

    def post(self, request, pk):
        if self.refusal():
            messages.error(request, self.refusal())
            return redirect("activities:activity_manage", pk=pk)
        forms = self.forms(request.POST)
        form, groups, follow_ups = forms["form"], forms["groups"], forms["follow_ups"]
        # Validate all three before deciding, so every row shows its errors at once.
        valid = [form.is_valid(), groups.is_valid(), follow_ups.is_valid()]
        if all(valid):
            data = form.cleaned_data
            try:
                actions.drill_report_save(
                    activity=self.get_activity(),
                    by=request.user,
                    partner_unit=data["partner_unit"],
                    evacuation_seconds=data["evacuation_seconds"],
                    findings=data["findings"],
                    groups=[
                        {"name": row["name"], "people": row["people"]}
                        for row in groups.filled_rows()
                    ],
                    actions=[
                        {
                            "pk": row["id"].pk if row.get("id") else None,
                            "action": row["action"],
                            "owner": row["owner"],
                            "due_on": row["due_on"],
                            "done": row["done"],
                        }
                        for row in follow_ups.filled_rows()
                    ],
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("The drill report was saved."))
                return redirect("activities:drill_report", pk=pk)
        messages.error(request, _("Nothing was saved: please correct the marked fields."))
        return self.render_to_response(self.get_context_data(**forms))


def community_drills(scope, community: Community):
    """The fire drills of ``community`` that staff with ``scope`` run (not cancelled)."""
    return (
        Activity.objects.manageable_by(scope)
        .filter(kind=Activity.Kind.FIRE_DRILL, community=community)
        .exclude(status=Activity.Status.CANCELLED)
    )


class DrillListView(CommunityStaffRequiredMixin, ListView):
    """The drills page of one community: every drill, evacuation times over time, open
    follow-up actions (overdue first)."""

    template_name = "activities/parts/drills_list.html"
    paginate_by = 25

    def get_community(self) -> Community | None:
        if not hasattr(self, "_community"):
            communities = Community.objects.in_scope(self.scope).order_by("name")
            self.pick = CommunityPickForm(
                self.request.GET or None, communities=communities, auto_id="pick_%s"
            )
            first = communities.first()
            if self.pick.is_bound and self.pick.is_valid():
                chosen = self.pick.cleaned_data["community"]
                self._community = chosen or first
            elif self.pick.is_bound:
                self._community = None
            else:
                self._community = first
            if first is not None and not self.pick.is_bound:
                self.pick.initial = {"community": first.pk}
        return self._community

    def get_queryset(self):
        community = self.get_community()
        if community is None:
            return Activity.objects.none()
        participants = (
            DrillGroup.objects.filter(report__activity_id=OuterRef("pk"))
            .values("report")
            .annotate(total=Sum("people"))
            .values("total")
        )
        open_actions = (
            DrillAction.objects.filter(report__activity_id=OuterRef("pk"), done=False)
            .values("report")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            community_drills(self.scope, community)
            .select_related("drill_report__partner_unit")
            .annotate(
                participants=Subquery(participants, output_field=IntegerField()),
                open_actions=Subquery(open_actions, output_field=IntegerField()),
            )
            .order_by("starts_at", "pk")
        )

    def chart(self, community: Community):
        reports = (
            DrillReport.objects.filter(activity__in=community_drills(self.scope, community))
            .order_by("-activity__starts_at", "-pk")
            .values_list("activity__starts_at", "evacuation_seconds")[:CHART_POINTS]
        )
        points = [
            (f"{timezone.localtime(starts_at):%Y-%m-%d}", seconds)
            for starts_at, seconds in reversed(list(reports))
        ]
        return line_chart(
            points,
            unit=_("minutes:seconds"),
            title=_("Evacuation time of %(community)s's drills") % {"community": community.name},
            value_format=minutes_seconds,
            tick_steps=SECOND_STEPS,
        )

    def open_actions(self, community: Community):
        queryset = (
            DrillAction.objects.filter(
                done=False, report__activity__in=community_drills(self.scope, community)
            )
            .select_related("report__activity")
            .order_by("due_on", "pk")
        )
        return Paginator(queryset, OPEN_ACTIONS_PER_PAGE).get_page(
            self.request.GET.get("actions_page")
        )

    def get_context_data(self, **kwargs):
        community = self.get_community()
        context = super().get_context_data(
            pick=self.pick, community=community, today=timezone.localdate(), **kwargs
        )
        for drill in context["object_list"]:
            # The report came with the row (select_related); None when not written yet.
            drill.report = getattr(drill, "drill_report", None)
        context["chart"] = self.chart(community) if community else None
        context["actions_page"] = self.open_actions(community) if community else None
        return context


class DrillActionDoneView(CommunityStaffRequiredMixin, View):
    """Tick a follow-up action done from the drills page (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        manageable = Activity.objects.manageable_by(self.scope).values("pk")
        action = get_object_or_404(
            DrillAction.objects.select_related("report__activity"),
            pk=pk,
            report__activity__in=manageable,
        )
        actions.drill_action_done(action=action, by=request.user)
        messages.success(request, _("Marked done: %(action)s") % {"action": action.action})
        activity = action.report.activity
        if activity.community_id is None:
            return redirect("activities:drill_report", pk=activity.pk)
        query = urlencode({"community": activity.community_id})
        return redirect(f"{reverse('activities:drill_list')}?{query}")


def public_part_context(activity: Activity) -> dict:
    """The partner unit, evacuation time and groups of a drill (two queries; no findings or
    follow-ups in public)."""
    report = DrillReport.objects.select_related("partner_unit").filter(activity=activity).first()
    groups = list(report.groups.order_by("pk")) if report else []
    return {
        "drill_report": report,
        "drill_groups": groups,
        "drill_people": sum(group.people for group in groups),
    }
