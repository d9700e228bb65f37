"""Who took part in an activity (五社联动): registered partners, named partners, allocations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from activities import actions
from activities.forms import NamedPartnerForm, RegistryPartnerForm
from activities.models import Activity, ActivityPartner
from activities.views.manage import ManagedActivityMixin
from communities import actions as community_actions
from communities.forms import AllocationForm
from communities.models import CharitableResource, ResourceAllocation
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error

FORMS = ("registry", "named", "allocation")


class ActivityPartnersView(ManagedActivityMixin, TemplateView):
    template_name = "activities/activity_partners.html"

    def resources(self):
        return (
            CharitableResource.objects.in_scope(self.scope)
            .current()
            .with_balance()
            .filter(balance_value__gt=0)
            .order_by("-received_on", "-pk")
        )

    def build_forms(self, data=None, which=None):
        def bound(name):
            return data if which == name else None

        return {
            "registry": RegistryPartnerForm(bound("registry"), scope=self.scope, prefix="r"),
            "named": NamedPartnerForm(bound("named"), prefix="n"),
            "allocation": AllocationForm(
                bound("allocation"), resources=self.resources(), prefix="a"
            ),
        }

    def get_context_data(self, **kwargs):
        activity = self.get_activity()
        kwargs.setdefault("forms", self.build_forms())
        return super().get_context_data(
            partners=activity.partners.select_related(
                "organisation", "social_worker", "outside_unit"
            ),
            allocations=ResourceAllocation.objects.filter(activity=activity).select_related(
                "resource"
            ),
            **kwargs,
        )

    def post(self, request, pk):
        activity = self.get_activity()
        which = request.POST.get("form")
        if which not in FORMS:
            messages.error(request, _("Choose what to add."))
            return redirect("activities:activity_partners", pk=activity.pk)
        forms = self.build_forms(request.POST, which)
        form = forms[which]
        if form.is_valid():
            try:
                self.save(which, form.cleaned_data, activity)
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("activities:activity_partners", pk=activity.pk)
        return self.render_to_response(self.get_context_data(forms=forms))

    def save(self, which: str, data: dict, activity: Activity) -> None:
        if which == "allocation":
            community_actions.resource_allocate(
                resource=data["resource"],
                activity=activity,
                value=data["value"],
                note=data["note"],
                by=self.request.user,
            )
        else:
            actions.partner_add(activity=activity, by=self.request.user, **data)


class PartnerRemoveView(CommunityStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        manageable = Activity.objects.manageable_by(self.scope).values("pk")
        partner = get_object_or_404(ActivityPartner, pk=pk, activity__in=manageable)
        partner.delete()
        messages.success(request, _("Removed from the partners."))
        return redirect("activities:activity_partners", pk=partner.activity_id)


class AllocationReleaseView(CommunityStaffRequiredMixin, View):
    """POST with a reason: give a donation allocation back to its resource's balance."""

    http_method_names = ["post"]

    def post(self, request, pk):
        manageable = Activity.objects.manageable_by(self.scope).values("pk")
        allocation = get_object_or_404(ResourceAllocation, pk=pk, activity__in=manageable)
        try:
            community_actions.allocation_release(
                allocation=allocation, by=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The allocation was released to the balance."))
        return redirect("activities:activity_partners", pk=allocation.activity_id)
