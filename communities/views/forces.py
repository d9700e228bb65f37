"""The five forces' registries: public directory and 公示, staff lists, forms and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from activities.models import ActivityPartner
from communities import actions
from communities.filters import (
    OrganisationFilter,
    OutsideUnitFilter,
    ResourceFilter,
    SocialWorkerFilter,
)
from communities.forms import (
    OrganisationForm,
    OutsideUnitForm,
    ResourceForm,
    SocialWorkerForm,
    TransitionForm,
    WorkRecordForm,
)
from communities.models import (
    CharitableResource,
    OrganisationTransition,
    OutsideUnit,
    ResourceAllocation,
    SocialOrganisation,
    SocialWorker,
)
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal import audit
from governance_portal.exports import FORMATS, export_response
from governance_portal.form_errors import add_action_error
from governance_portal.masking import mask_certificate, mask_phone
from governance_portal.models import AuditEvent

UNIT = ("street", "community")

# --- public ----------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class OrganisationDirectoryView(ListView):
    """The public directory of social organisations."""

    template_name = "communities/organisation_directory.html"
    paginate_by = 20

    def get_queryset(self):
        queryset = (
            SocialOrganisation.objects.current()
            .select_related(*UNIT, "incubator")
            .order_by("name", "pk")
        )
        self.filterset = OrganisationFilter(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class OrganisationDetailView(DetailView):
    template_name = "communities/organisation_detail.html"
    queryset = SocialOrganisation.objects.select_related(*UNIT, "incubator").prefetch_related(
        Prefetch(
            "transitions",
            queryset=OrganisationTransition.objects.select_related("recorded_by").order_by(
                "on", "pk"
            ),
        ),
    )

    def get_context_data(self, **kwargs):
        organisation = self.object
        links = (
            ActivityPartner.objects.filter(organisation=organisation)
            .exclude(activity__status="draft")
            .select_related("activity__community", "activity__street")
            .order_by("-activity__starts_at")[:10]
        )
        return super().get_context_data(
            activity_links=links,
            incubated=organisation.incubated.current().order_by("name")[:50],
            **kwargs,
        )


@method_decorator(login_not_required, name="dispatch")
class ResourcePublicView(ListView):
    """公示: what was given, by whom (or anonymously), and what it was used for."""

    template_name = "communities/resource_public.html"
    paginate_by = 20

    def get_queryset(self):
        # Archived resources stay: the notice is a record of what was received and used.
        queryset = (
            CharitableResource.objects.with_balance()
            .select_related(*UNIT)
            .prefetch_related(
                Prefetch(
                    "allocations",
                    queryset=ResourceAllocation.objects.filter(released_at__isnull=True)
                    .select_related("activity")
                    .order_by("allocated_at", "pk"),
                )
            )
            .order_by("-received_on", "-pk")
        )
        self.filterset = ResourceFilter(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


# --- staff: shared machinery -----------------------------------------------------------------


class RegistryListView(CommunityStaffRequiredMixin, ListView):
    """A staff list of one registry, scoped, filtered, paginated, exportable (?export=csv|xlsx)."""

    model = None
    filterset_class = None
    paginate_by = 25
    title = ""
    export_name = ""
    create_url_name = ""

    def base_queryset(self):
        return (
            self.model.objects.visible_in_scope(self.scope)
            .with_editable(self.scope)
            .select_related(*UNIT)
        )

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET, queryset=self.base_queryset(), scope=self.scope
        )
        return self.filterset.qs

    def export_filters(self) -> dict:
        """The filters the export applied, as validated (never the raw query string)."""
        form = self.filterset.form
        if not form.is_valid():
            return {}
        return {name: str(value) for name, value in form.cleaned_data.items() if value}

    def export_header(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def export_row(self, obj) -> list:  # pragma: no cover - overridden
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in FORMATS:
            queryset = self.get_queryset()
            audit.record(
                action=AuditEvent.Action.EXPORT,
                model=self.model._meta.label_lower,
                object_repr=f"{self.export_name}.{file_format}",
                changes={"filters": self.export_filters()},
            )
            rows = (self.export_row(obj) for obj in queryset.iterator(chunk_size=500))
            return export_response(
                filename=self.export_name,
                header=self.export_header(),
                rows=rows,
                file_format=file_format,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            title=self.title,
            create_url_name=self.create_url_name,
            **kwargs,
        )


class RegistryFormMixin(CommunityStaffRequiredMixin):
    """Create/update forms of a registry: choices scoped, objects fetched through the scope."""

    template_name = "communities/registry_form.html"
    title = ""
    list_url_name = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_queryset(self):
        return self.model.objects.in_scope(self.scope).select_related(*UNIT)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, list_url_name=self.list_url_name, **kwargs
        )

    def form_valid(self, form):
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse(self.list_url_name)


class ArchiveView(CommunityStaffRequiredMixin, View):
    """POST: archive or restore a registry record (records are never deleted)."""

    http_method_names = ["post"]
    model = None
    list_url_name = ""

    def post(self, request, pk):
        obj = get_object_or_404(self.model.objects.in_scope(self.scope), pk=pk)
        # The intended state, not a toggle: a double submit does not undo itself.
        obj.archived = request.POST.get("archived", "1") == "1"
        obj.save(update_fields=["archived"])
        if obj.archived:
            messages.success(request, _("Archived. It stays in the history."))
        else:
            messages.success(request, _("Restored."))
        return redirect(self.list_url_name)


# --- staff: social organisations ------------------------------------------------------------


class OrganisationManageListView(RegistryListView):
    model = SocialOrganisation
    filterset_class = OrganisationFilter
    template_name = "communities/organisation_manage_list.html"
    title = gettext_lazy("Social organisations")
    export_name = "social-organisations"
    create_url_name = "communities:organisation_create"

    def base_queryset(self):
        return (
            super()
            .base_queryset()
            .select_related("incubator")
            .annotate(activity_count=Count("activity_links", distinct=True))
            .order_by("archived", "name", "pk")
        )

    def export_header(self):
        return [
            _("Name"),
            _("Category"),
            _("Incubation state"),
            _("Since"),
            _("Serves"),
            _("Incubator"),
            _("Contact person"),
            _("Contact mobile"),
            _("Activities"),
            _("Archived"),
        ]

    def export_row(self, org):
        return [
            org.name,
            org.get_category_display(),
            org.get_state_display(),
            org.state_since,
            org.unit_name,
            org.incubator.name if org.incubator else "",
            org.contact_name,
            mask_phone(org.contact_phone),
            org.activity_count,
            org.archived,
        ]


class OrganisationCreateView(RegistryFormMixin, CreateView):
    model = SocialOrganisation
    form_class = OrganisationForm
    title = gettext_lazy("New social organisation")
    list_url_name = "communities:organisation_manage_list"

    def form_valid(self, form):
        fields = {k: v for k, v in form.cleaned_data.items() if k not in {"street", "moved_in_on"}}
        on = form.cleaned_data.get("moved_in_on")
        if on and on > timezone.localdate():
            form.add_error("moved_in_on", _("The date cannot be in the future."))
            return self.form_invalid(form)
        try:
            self.object = actions.organisation_create(
                by=self.request.user, street=form.instance.street, on=on, **fields
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.object)


class OrganisationUpdateView(RegistryFormMixin, UpdateView):
    model = SocialOrganisation
    form_class = OrganisationForm
    title = gettext_lazy("Edit social organisation")
    list_url_name = "communities:organisation_manage_list"

    def get_success_url(self):
        return self.object.get_absolute_url()


class OrganisationTransitionView(CommunityStaffRequiredMixin, FormView):
    form_class = TransitionForm
    template_name = "communities/registry_form.html"

    def get_organisation(self) -> SocialOrganisation:
        return get_object_or_404(
            SocialOrganisation.objects.in_scope(self.scope), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        organisation = self.get_organisation()
        return super().get_context_data(
            title=_("Next lifecycle step: %(name)s (now: %(state)s)")
            % {"name": organisation.name, "state": organisation.get_state_display()},
            list_url_name="communities:organisation_manage_list",
            **kwargs,
        )

    def form_valid(self, form):
        organisation = self.get_organisation()
        try:
            actions.organisation_transition(
                organisation=organisation, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The lifecycle step was recorded."))
        return redirect(organisation)


class OrganisationArchiveView(ArchiveView):
    model = SocialOrganisation
    list_url_name = "communities:organisation_manage_list"


# --- staff: social workers ------------------------------------------------------------------


class SocialWorkerListView(RegistryListView):
    model = SocialWorker
    filterset_class = SocialWorkerFilter
    template_name = "communities/socialworker_list.html"
    title = gettext_lazy("Social workers")
    export_name = "social-workers"
    create_url_name = "communities:socialworker_create"

    def base_queryset(self):
        return super().base_queryset().select_related("employer").order_by("archived", "name")

    def export_header(self):
        return [
            _("Full name"),
            _("Mobile number"),
            _("Qualification"),
            _("Certificate number"),
            _("Certificate year"),
            _("Station"),
            _("Serves"),
            _("Employing organisation"),
            _("Specialities"),
            _("Archived"),
        ]

    def export_row(self, worker):
        return [
            worker.name,
            mask_phone(worker.phone),
            worker.get_qualification_display(),
            mask_certificate(worker.certificate_number),
            worker.certificate_year,
            worker.station,
            worker.unit_name,
            worker.employer.name if worker.employer else "",
            worker.specialities,
            worker.archived,
        ]


class SocialWorkerCreateView(RegistryFormMixin, CreateView):
    model = SocialWorker
    form_class = SocialWorkerForm
    title = gettext_lazy("New social worker")
    list_url_name = "communities:socialworker_list"


class SocialWorkerUpdateView(RegistryFormMixin, UpdateView):
    model = SocialWorker
    form_class = SocialWorkerForm
    title = gettext_lazy("Edit social worker")
    list_url_name = "communities:socialworker_list"


class SocialWorkerDetailView(CommunityStaffRequiredMixin, FormView):
    """A social worker's page: details and monthly work records, with the form to add one."""

    form_class = WorkRecordForm
    template_name = "communities/socialworker_detail.html"

    def get_worker(self) -> SocialWorker:
        if not hasattr(self, "_worker"):
            self._worker = get_object_or_404(
                SocialWorker.objects.visible_in_scope(self.scope).select_related(*UNIT, "employer"),
                pk=self.kwargs["pk"],
            )
        return self._worker

    def get_context_data(self, **kwargs):
        worker = self.get_worker()
        records = worker.work_records.select_related("recorded_by")[:24]
        can_edit = SocialWorker.objects.in_scope(self.scope).filter(pk=worker.pk).exists()
        return super().get_context_data(worker=worker, records=records, can_edit=can_edit, **kwargs)

    def form_valid(self, form):
        worker = self.get_worker()
        if not SocialWorker.objects.in_scope(self.scope).filter(pk=worker.pk).exists():
            form.add_error(None, _("Only the staff this social worker serves may record work."))
            return self.form_invalid(form)
        try:
            actions.work_record_save(worker=worker, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The monthly record was saved."))
        return redirect("communities:socialworker_detail", pk=worker.pk)


class SocialWorkerArchiveView(ArchiveView):
    model = SocialWorker
    list_url_name = "communities:socialworker_list"


# --- staff: charitable resources ------------------------------------------------------------


class ResourceListView(RegistryListView):
    model = CharitableResource
    filterset_class = ResourceFilter
    template_name = "communities/resource_list.html"
    title = gettext_lazy("Charitable resources")
    export_name = "charitable-resources"
    create_url_name = "communities:resource_create"

    def base_queryset(self):
        return super().base_queryset().with_balance().order_by("archived", "-received_on", "-pk")

    def export_header(self):
        return [
            _("Received on"),
            _("Donor"),
            _("Donor type"),
            _("Anonymous"),
            _("Kind"),
            _("What was given"),
            _("Value (CNY)"),
            _("Quantity"),
            _("Unit"),
            _("Allocated (CNY)"),
            _("Balance (CNY)"),
            _("Receiving unit"),
            _("Archived"),
        ]

    def export_row(self, resource):
        return [
            resource.received_on,
            resource.donor_name,
            resource.get_donor_kind_display(),
            resource.anonymous,
            resource.get_kind_display(),
            resource.description,
            resource.value,
            resource.quantity,
            resource.unit,
            resource.allocated_value,
            resource.balance_value,
            resource.unit_name,
            resource.archived,
        ]


class ResourceFormMixin(RegistryFormMixin):
    model = CharitableResource
    form_class = ResourceForm
    list_url_name = "communities:resource_list"

    def form_valid(self, form):
        resource = form.save(commit=False)
        if not resource.pk:
            resource.recorded_by = self.request.user
        processed = form.cleaned_data.get("evidence_photo")
        try:
            actions.resource_save(resource=resource, evidence=processed, by=self.request.user)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        self.object = resource
        messages.success(self.request, _("Saved."))
        return redirect(self.get_success_url())


class ResourceCreateView(ResourceFormMixin, CreateView):
    title = gettext_lazy("Record a donation")


class ResourceUpdateView(ResourceFormMixin, UpdateView):
    title = gettext_lazy("Edit charitable resource")


class ResourceArchiveView(ArchiveView):
    model = CharitableResource
    list_url_name = "communities:resource_list"


# --- staff: outside units -------------------------------------------------------------------


class OutsideUnitListView(RegistryListView):
    model = OutsideUnit
    filterset_class = OutsideUnitFilter
    template_name = "communities/outsideunit_list.html"
    title = gettext_lazy("Outside units")
    export_name = "outside-units"
    create_url_name = "communities:outsideunit_create"

    def base_queryset(self):
        return (
            super()
            .base_queryset()
            .annotate(activity_count=Count("activity_links"))
            .order_by("archived", "name")
        )

    def export_header(self):
        return [
            _("Name"),
            _("Kind"),
            _("Serves"),
            _("Contact person"),
            _("Contact mobile"),
            _("Address"),
            _("Activities"),
            _("Archived"),
        ]

    def export_row(self, unit):
        return [
            unit.name,
            unit.get_kind_display(),
            unit.unit_name,
            unit.contact_name,
            mask_phone(unit.contact_phone),
            unit.address,
            unit.activity_count,
            unit.archived,
        ]


class OutsideUnitCreateView(RegistryFormMixin, CreateView):
    model = OutsideUnit
    form_class = OutsideUnitForm
    title = gettext_lazy("New outside unit")
    list_url_name = "communities:outsideunit_list"


class OutsideUnitUpdateView(RegistryFormMixin, UpdateView):
    model = OutsideUnit
    form_class = OutsideUnitForm
    title = gettext_lazy("Edit outside unit")
    list_url_name = "communities:outsideunit_list"


class OutsideUnitArchiveView(ArchiveView):
    model = OutsideUnit
    list_url_name = "communities:outsideunit_list"
