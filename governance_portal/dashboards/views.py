"""Dashboards, the printable monthly report and the monthly ledger of a community or a street.

Every page reads its figures with ``figures.with_figures`` (one query for the unit, one for a
street's communities) plus one grouped query per chart: a fixed number of queries whatever the
data size. Community staff reach their own communities; street staff their streets and their
streets' communities; anything else is a 404 (``Community.objects.in_scope``).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from activities.models import ActivityPartner
from communities.models import Community, Street
from communities.permissions import CommunityStaffRequiredMixin, StreetStaffRequiredMixin
from governance_portal import audit
from governance_portal.charts import bar_chart, line_chart
from governance_portal.dashboards import ledger
from governance_portal.dashboards.figures import (
    COMMUNITY,
    OWN_PREFIX,
    STREET,
    STREET_OWN,
    Figures,
    activities_by_kind,
    activities_by_month,
    counted_in,
    format_hours,
    sections,
    with_figures,
)
from governance_portal.dashboards.periods import MonthForm, PeriodForm, shortcuts
from governance_portal.exports import workbook_response
from governance_portal.models import AuditEvent
from governance_portal.pagecache import CachedBodyMixin


class DashboardIndexView(CommunityStaffRequiredMixin, TemplateView):
    """``/manage/dashboards/``: straight to the one dashboard a person has, else a choice."""

    template_name = "governance_portal/dashboards/index.html"

    def get(self, request, *args, **kwargs):
        streets = self.streets()
        communities = self.communities()
        one_street = len(streets) == 1 and all(c.street_id == streets[0].pk for c in communities)
        if one_street and not self.scope.everything:
            return redirect("dashboards:street_dashboard", streets[0].pk)
        if not streets and len(communities) == 1:
            return redirect("dashboards:community_dashboard", communities[0].pk)
        return self.render_to_response(
            self.get_context_data(streets=streets, communities=communities)
        )

    def streets(self) -> list[Street]:
        streets = Street.objects.order_by("name")
        if not self.scope.everything:
            streets = streets.filter(pk__in=self.scope.street_ids)
        return list(streets)

    def communities(self) -> list[Community]:
        return list(
            Community.objects.in_scope(self.scope)
            .select_related("street")
            .order_by("street__name", "name")
        )


class UnitPageMixin:
    """Resolves the community or street of the URL, in scope, with its figures for the period
    asked for in the query string."""

    level = COMMUNITY
    form_class = PeriodForm

    def units(self):
        if self.level == COMMUNITY:
            return Community.objects.in_scope(self.scope).select_related("street")
        if self.scope.everything:
            return Street.objects.all()
        return Street.objects.filter(pk__in=self.scope.street_ids)

    def get(self, request, *args, **kwargs):
        self.form = self.form_class(request.GET or None)
        self.period = self.form.period
        units = with_figures(self.units(), self.level, self.period)
        if self.level == STREET:
            units = with_figures(units, STREET_OWN, self.period, prefix=OWN_PREFIX)
        self.unit = get_object_or_404(units, pk=kwargs["pk"])
        self.figures = Figures.of(self.unit)
        return self.respond()

    def respond(self):
        return self.render_to_response(self.get_context_data())

    @property
    def street(self) -> Street:
        return self.unit.street if self.level == COMMUNITY else self.unit

    def community_rows(self) -> list[tuple[Community, Figures]]:
        """A street's communities side by side (one query); none for a community."""
        if self.level == COMMUNITY:
            return []
        communities = with_figures(
            Community.objects.filter(street=self.unit).order_by("name", "pk"),
            COMMUNITY,
            self.period,
        )
        return [(community, Figures.of(community)) for community in communities]

    def unit_url(self, name: str) -> str:
        return reverse(f"dashboards:{self.level}_{name}", args=[self.unit.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.community_rows()
        street_own = Figures.of(self.unit, OWN_PREFIX) if self.level == STREET else None
        context.update(
            level=self.level,
            unit=self.unit,
            street=self.street,
            period=self.period,
            form=self.form,
            figures=self.figures,
            sections=sections(self.figures),
            community_rows=rows,
            street_own=street_own,
            links={
                "dashboard": self.unit_url("dashboard"),
                "report": self.unit_url("report"),
                "ledger": self.unit_url("ledger"),
            },
        )
        return context


class DashboardView(CachedBodyMixin, UnitPageMixin, TemplateView):
    """The dashboard's body (figures, charts, comparison) is the same for everyone who may see
    the unit, so it is kept until the next write (``pagecache.CachedBodyMixin``): a hit costs
    the scope check of the unit and no figure query."""

    template_name = "governance_portal/dashboards/dashboard.html"
    body_template = "governance_portal/dashboards/_dashboard_body.html"

    def body_key(self) -> tuple:
        period = self.form_class(self.request.GET or None).period
        self.unit = get_object_or_404(self.units(), pk=self.kwargs["pk"])  # in scope, or 404
        return (self.level, self.unit.pk, period.kind, period.start, period.end)

    def page_context(self) -> dict:
        return {"unit": self.unit}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activities = counted_in(self.level, self.unit.pk, self.period)
        months = self.period.trend_months()
        figures = self.figures
        context.update(
            shortcuts=shortcuts(),
            kind_chart=bar_chart(
                activities_by_kind(activities), unit=_("activities"), title=_("Activities by kind")
            ),
            month_chart=line_chart(
                activities_by_month(self.level, self.unit.pk, months, self.period.end),
                unit=_("activities"),
                title=_("Activities by month"),
            ),
            forces_chart=bar_chart(
                [
                    (_("Social organisations"), figures.with_organisation),
                    (_("Social workers"), figures.with_social_worker),
                    (_("Volunteers"), figures.with_volunteers),
                    (_("Charitable resources"), figures.with_charity),
                ],
                unit=_("activities"),
                title=_("Activities that linked each force"),
            ),
        )
        rows = context["community_rows"]
        if rows:
            context.update(
                community_activity_chart=bar_chart(
                    [(community.name, row.activities) for community, row in rows],
                    unit=_("activities"),
                    title=_("Activities by community"),
                ),
                community_hours_chart=bar_chart(
                    [(community.name, row.volunteer_hours) for community, row in rows],
                    unit=_("hours"),
                    title=_("Verified volunteer hours by community"),
                    value_format=format_hours,
                ),
            )
        return context


class CommunityDashboardView(CommunityStaffRequiredMixin, DashboardView):
    level = COMMUNITY


class StreetDashboardView(StreetStaffRequiredMixin, DashboardView):
    level = STREET


class ReportView(UnitPageMixin, TemplateView):
    """The printable monthly report (月报): the month's figures and the activities held."""

    template_name = "governance_portal/dashboards/report.html"
    form_class = MonthForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activities"] = (
            counted_in(self.level, self.unit.pk, self.period)
            .select_related("community", "street")
            .prefetch_related(Prefetch("partners", queryset=ActivityPartner.objects.order_by("pk")))
            .order_by("starts_at", "pk")
        )
        context["kind_rows"] = [
            row
            for row in activities_by_kind(counted_in(self.level, self.unit.pk, self.period))
            if row[1]
        ]
        return context


class CommunityReportView(CommunityStaffRequiredMixin, ReportView):
    level = COMMUNITY


class StreetReportView(StreetStaffRequiredMixin, ReportView):
    level = STREET


class LedgerView(UnitPageMixin, TemplateView):
    """The monthly ledger (台账) as one XLSX file, a sheet per area. A month that is not one
    goes back to the monthly report, whose form says what is wrong."""

    form_class = MonthForm

    def respond(self):
        if self.form.is_bound and not self.form.is_valid():
            return redirect(f"{self.unit_url('report')}?{self.request.GET.urlencode()}")
        filename = ledger.filename(self.level, self.unit, self.period)
        audit.record(
            action=AuditEvent.Action.EXPORT,
            model=f"communities.{self.level}",
            object_id=str(self.unit.pk),
            object_repr=f"{filename}.xlsx",
            street_id=self.street.pk,
            community_id=self.unit.pk if self.level == COMMUNITY else None,
        )
        return workbook_response(
            filename=filename,
            sheets=ledger.sheets(self.level, self.unit, self.period, self.figures),
            dated=False,
        )


class CommunityLedgerView(CommunityStaffRequiredMixin, LedgerView):
    level = COMMUNITY


class StreetLedgerView(StreetStaffRequiredMixin, LedgerView):
    level = STREET
