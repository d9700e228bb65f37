"""Staff verify service hours: the queue (one by one or in bulk), the evidence, the export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django.views.generic.edit import FormMixin

from communities.permissions import CommunityStaffRequiredMixin, scope_for
from governance_portal import audit
from governance_portal.exports import FORMATS, export_response
from governance_portal.form_errors import add_action_error
from governance_portal.masking import mask_phone
from governance_portal.models import AuditEvent
from volunteers import actions
from volunteers.filters import RecordFilter
from volunteers.forms import HoursExportForm, RejectForm, VerifyForm
from volunteers.models import ServiceRecord, Volunteer
from volunteers.models.people import DEFAULT_STAR_THRESHOLDS, StarPolicy, star_level
from volunteers.views.pages import FormPageMixin


class RecordQueueView(CommunityStaffRequiredMixin, ListView):
    """Service records organised in the staff member's scope; pending ones first by default."""

    template_name = "volunteers/record_queue.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            ServiceRecord.objects.in_scope(self.scope)
            .select_related("volunteer__user", "volunteer__community", "activity", "decided_by")
            .order_by("served_on", "pk")
        )
        data = self.request.GET.copy()
        data.setdefault("status", ServiceRecord.Status.PENDING)
        self.filterset = RecordFilter(data, queryset=queryset, scope=self.scope)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, verify_form=VerifyForm(), reject_form=RejectForm(), **kwargs
        )


class ScopedRecordMixin(CommunityStaffRequiredMixin):
    def get_record(self) -> ServiceRecord:
        return get_object_or_404(
            ServiceRecord.objects.in_scope(self.scope).select_related("volunteer__user"),
            pk=self.kwargs["pk"],
        )


class RecordVerifyView(ScopedRecordMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        record = self.get_record()
        form = VerifyForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["evaluation"]))
            return redirect("volunteers:record_queue")
        try:
            actions.record_verify(
                record=record, by=request.user, evaluation=form.cleaned_data["evaluation"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The hours are verified."))
        return redirect("volunteers:record_queue")


class RecordRejectView(FormPageMixin, ScopedRecordMixin, FormView):
    form_class = RejectForm
    submit_label = gettext_lazy("Reject")

    @property
    def page_title(self):
        record = self.get_record()
        return _("Reject %(hours)s hours of %(name)s for “%(title)s”") % {
            "hours": record.hours,
            "name": record.volunteer.user.display_name,
            "title": record.title,
        }

    page_intro = gettext_lazy("The volunteer sees the reason in My volunteering.")

    def back_url(self):
        return reverse("volunteers:record_queue")

    def form_valid(self, form):
        try:
            actions.record_reject(
                record=self.get_record(), by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The record is rejected; the volunteer is told why."))
        return redirect("volunteers:record_queue")


class RecordBulkVerifyView(CommunityStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        # ASCII digits of at most 18 (a 64-bit id): isdigit() alone lets "²" and out-of-range
        # numbers through to the query (ValueError, OverflowError: a 500).
        ids = [
            value
            for value in request.POST.getlist("record")
            if value.isascii() and value.isdigit() and len(value) <= 18
        ][:500]
        if not ids:
            messages.error(request, _("Tick the records to verify."))
            return redirect("volunteers:record_queue")
        records = ServiceRecord.objects.in_scope(self.scope).pending().filter(pk__in=ids)
        count = actions.records_verify_bulk(records=records, by=request.user)
        messages.success(
            request,
            ngettext("%(count)d record verified.", "%(count)d records verified.", count)
            % {"count": count},
        )
        return redirect("volunteers:record_queue")


class RecordEvidenceView(View):
    """The evidence photo of a 补录 request: for the volunteer and the staff who decide."""

    def get(self, request, pk):
        record = get_object_or_404(ServiceRecord.objects.select_related("volunteer"), pk=pk)
        scope = scope_for(request.user)
        allowed = record.volunteer.user_id == request.user.pk or (
            ServiceRecord.objects.in_scope(scope).filter(pk=pk).exists()
            or scope.covers_community(record.volunteer.community_id)
        )
        if not allowed or not record.evidence:
            raise Http404
        try:
            handle = record.evidence.open("rb")
        except OSError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response


class HoursExportView(CommunityStaffRequiredMixin, FormMixin, TemplateView):
    """Hours per volunteer for a period (CSV or XLSX): verified, pending, stars. A GET form
    only: there is nothing to POST (a POST is a 405)."""

    form_class = HoursExportForm
    template_name = "volunteers/hours_export.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "format" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        file_format = request.GET.get("format")
        if file_format in FORMATS and form.is_valid():
            return self.export(form.cleaned_data, file_format)
        return self.render_to_response(self.get_context_data(form=form))

    def export(self, data: dict, file_format: str):
        period = Q()
        if data["date_from"]:
            period &= Q(service_records__served_on__gte=data["date_from"])
        if data["date_to"]:
            period &= Q(service_records__served_on__lte=data["date_to"])
        zero = Value(0, output_field=DecimalField(max_digits=9, decimal_places=2))

        def hours(status):
            condition = period & Q(service_records__status=status)
            return Coalesce(Sum("service_records__hours", filter=condition), zero)

        Status = ServiceRecord.Status
        volunteers = (
            Volunteer.objects.in_scope(self.scope)
            .exclude(status=Volunteer.Status.DECLINED)
            .select_related("user", "community__street", "team")
            .annotate(
                period_verified=hours(Status.VERIFIED),
                period_pending=hours(Status.PENDING),
                period_records=Count(
                    "service_records", filter=period & Q(service_records__status=Status.VERIFIED)
                ),
            )
            .with_hours()
            .order_by("community__name", "user__name", "pk")
        )
        audit.record(
            action=AuditEvent.Action.EXPORT,
            model="volunteers.servicerecord",
            object_repr=f"volunteer-hours.{file_format}",
            changes={"filters": {k: str(v) for k, v in data.items() if v}},
        )
        # One query for every street's thresholds; streets without their own use the default.
        policies = {policy.street_id: policy.thresholds for policy in StarPolicy.objects.all()}

        def row(volunteer):
            street_id = volunteer.community.street_id
            return [
                volunteer.user.display_name,
                mask_phone(volunteer.user.phone),
                volunteer.community.name,
                volunteer.team.name if volunteer.team else "",
                volunteer.period_verified,
                volunteer.period_pending,
                volunteer.period_records,
                volunteer.verified_hours,
                star_level(
                    volunteer.verified_hours, policies.get(street_id, DEFAULT_STAR_THRESHOLDS)
                ),
            ]

        header = [
            _("Full name"),
            _("Mobile number"),
            _("Community"),
            _("Team"),
            _("Verified hours in the period"),
            _("Hours awaiting verification in the period"),
            _("Verified services in the period"),
            _("Verified hours in all"),
            _("Stars"),
        ]
        return export_response(
            filename="volunteer-hours",
            header=header,
            rows=(row(v) for v in volunteers.iterator(chunk_size=500)),
            file_format=file_format,
        )
