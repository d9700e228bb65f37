"""Staff record a resident's special group (80+, disabled…) after seeing proof, and revoke it.

Services use these groups for special prices and home visits; the proof itself is not kept.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import FormView

from communities import actions
from communities.models import Community, ResidentProfile, SpecialGroup
from communities.permissions import CommunityStaffRequiredMixin
from communities.validators import validate_no_control_characters
from governance_portal.form_errors import add_action_error


class SpecialGroupForm(forms.Form):
    group = forms.ChoiceField(
        label=pgettext_lazy("special group", "Group"),
        choices=SpecialGroup.Group.choices,
        widget=forms.RadioSelect,
    )
    proof_seen = forms.CharField(
        label=gettext_lazy("Proof you saw"),
        max_length=100,
        help_text=gettext_lazy(
            "The kind of document only, e.g. 身份证, 残疾人证. Never write its number."
        ),
        validators=[validate_no_control_characters],
    )


class ResidentInScopeMixin(CommunityStaffRequiredMixin):
    def get_profile(self) -> ResidentProfile:
        if not hasattr(self, "_profile"):
            self._profile = get_object_or_404(
                ResidentProfile.objects.filter(
                    community__in=Community.objects.in_scope(self.scope)
                ).select_related("user", "community"),
                pk=self.kwargs["profile_pk"],
            )
        return self._profile


class SpecialGroupView(ResidentInScopeMixin, FormView):
    form_class = SpecialGroupForm
    template_name = "communities/special_groups.html"

    def get_context_data(self, **kwargs):
        profile = self.get_profile()
        groups = SpecialGroup.objects.filter(resident_id=profile.user_id).select_related(
            "verified_by"
        )
        return super().get_context_data(profile=profile, special_groups=groups, **kwargs)

    def form_valid(self, form):
        profile = self.get_profile()
        try:
            special = actions.special_group_add(
                resident=profile.user,
                group=form.cleaned_data["group"],
                proof_seen=form.cleaned_data["proof_seen"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is recorded as: %(group)s.")
            % {"name": profile.user.display_name, "group": special.get_group_display()},
        )
        return redirect("communities:special_groups", profile_pk=profile.pk)


class SpecialGroupRevokeView(ResidentInScopeMixin, View):
    http_method_names = ["post"]

    def post(self, request, profile_pk, pk):
        profile = self.get_profile()
        special = get_object_or_404(SpecialGroup, pk=pk, resident_id=profile.user_id)
        try:
            actions.special_group_revoke(special_group=special, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The group was revoked."))
        return redirect("communities:special_groups", profile_pk=profile.pk)
