"""Public pages of streets and communities, resident registration, and the staff workspace."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import IntegrityError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from activities.models import Activity
from communities import actions
from communities.filters import ResidentFilter
from communities.forces_profile import five_forces_profile
from communities.forms import (
    CommunityOfficeForm,
    CompoundForm,
    ResidentRegistrationForm,
    RevealForm,
    StreetOfficeForm,
)
from communities.models import Community, Compound, ResidentProfile, StaffAssignment, Street
from communities.permissions import (
    CommunityStaffRequiredMixin,
    StreetStaffRequiredMixin,
    scope_for,
    staff_accounts_q,
)
from governance_portal import audit
from governance_portal.models import AuditEvent
from governance_portal.ratelimit import RateLimitMixin

# --- Public ----------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class StreetListView(ListView):
    template_name = "communities/street_list.html"
    queryset = Street.objects.select_related("district").prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("name"))
    )


@method_decorator(login_not_required, name="dispatch")
class StreetDetailView(DetailView):
    queryset = Street.objects.select_related("district").prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("name"))
    )

    def get_context_data(self, **kwargs):
        can_edit = scope_for(self.request.user).covers_street(self.object.pk)
        upcoming = Activity.objects.listed().filter(street=self.object)[:6]
        return super().get_context_data(can_edit=can_edit, upcoming=upcoming, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class CommunityDetailView(DetailView):
    queryset = Community.objects.select_related("street__district").prefetch_related(
        Prefetch("compounds", queryset=Compound.objects.order_by("name"))
    )

    def get_context_data(self, **kwargs):
        # The community's own activities and those of its whole street.
        upcoming = Activity.objects.listed().filter(
            Q(community=self.object) | Q(community__isnull=True, street_id=self.object.street_id)
        )[:6]
        return super().get_context_data(
            upcoming=upcoming, profile=five_forces_profile(self.object), **kwargs
        )


@method_decorator(login_not_required, name="dispatch")
class ResidentRegisterView(RateLimitMixin, FormView):
    template_name = "registration/register.html"
    form_class = ResidentRegistrationForm
    rate_limit_scope = "register"
    rate_limit_setting = "RATE_LIMIT_REGISTRATION_PER_HOUR"
    rate_limit_window = 3600

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = actions.resident_register(
                name=data["name"],
                phone=data["phone"],
                password=data["password1"],
                community=data["community"],
                compound=data["compound"],
                email=data["email"],
            )
        except IntegrityError:
            # Two submissions with one number raced past clean_phone: the database said no.
            form.add_error("phone", _("This mobile number is already registered."))
            return self.form_invalid(form)
        login(self.request, user, backend="communities.backends.UsernameOrPhoneBackend")
        messages.success(
            self.request, _("Welcome, %(name)s. Your registration is complete.") % {"name": user}
        )
        return redirect("home")


# --- Staff workspace -------------------------------------------------------------------------


class CommunityListView(CommunityStaffRequiredMixin, ListView):
    """The communities this staff member may act on, with their figures."""

    template_name = "communities/community_manage_list.html"

    def get_queryset(self):
        return (
            Community.objects.in_scope(self.scope)
            .select_related("street")
            .annotate(
                compound_count=Count("compounds", distinct=True),
                resident_count=Count("residents", distinct=True),
            )
            .order_by("street__name", "name")
        )


class ScopedCommunityMixin(CommunityStaffRequiredMixin):
    """Fetches ``self.community`` through the scope: another community's is a 404."""

    def get_community(self) -> Community:
        if not hasattr(self, "_community"):
            self._community = get_object_or_404(
                Community.objects.in_scope(self.scope).select_related("street"),
                pk=self.kwargs["community_pk"],
            )
        return self._community

    def get_context_data(self, **kwargs):
        kwargs.setdefault("community", self.get_community())
        return super().get_context_data(**kwargs)


class CommunityManageView(CommunityStaffRequiredMixin, DetailView):
    template_name = "communities/community_manage.html"

    def get_queryset(self):
        return (
            Community.objects.in_scope(self.scope)
            .select_related("street")
            .prefetch_related(
                Prefetch("compounds", queryset=Compound.objects.order_by("name")),
                Prefetch(
                    "staff_assignments",
                    queryset=StaffAssignment.objects.active().select_related("user"),
                ),
            )
            .annotate(resident_count=Count("residents"))
        )


class CommunityUpdateView(CommunityStaffRequiredMixin, UpdateView):
    form_class = CommunityOfficeForm
    template_name = "communities/community_form.html"

    def get_queryset(self):
        return Community.objects.in_scope(self.scope).select_related("street")

    def form_valid(self, form):
        messages.success(self.request, _("The community's details were saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("communities:community_manage", args=[self.object.pk])


class StreetUpdateView(StreetStaffRequiredMixin, UpdateView):
    form_class = StreetOfficeForm
    template_name = "communities/street_form.html"

    def get_queryset(self):
        if self.scope.everything:
            return Street.objects.all()
        return Street.objects.filter(pk__in=self.scope.street_ids)

    def form_valid(self, form):
        messages.success(self.request, _("The street office's details were saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return self.object.get_absolute_url()


class CompoundCreateView(ScopedCommunityMixin, CreateView):
    model = Compound
    form_class = CompoundForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "community": self.get_community()}

    def form_valid(self, form):
        messages.success(self.request, _("The compound was added."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("communities:community_manage", args=[self.object.community_id])


class CompoundUpdateView(CommunityStaffRequiredMixin, UpdateView):
    form_class = CompoundForm

    def get_queryset(self):
        return Compound.objects.in_scope(self.scope).select_related("community")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "community": self.object.community}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("community", self.object.community)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        messages.success(self.request, _("The compound was saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("communities:community_manage", args=[self.object.community_id])


class ResidentListView(ScopedCommunityMixin, ListView):
    template_name = "communities/resident_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = (
            ResidentProfile.objects.filter(community=self.get_community())
            .select_related("user", "compound")
            .order_by("-registered_at", "-pk")
        )
        self.filterset = ResidentFilter(
            self.request.GET, queryset=queryset, community=self.get_community()
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class ResidentPasswordSetView(CommunityStaffRequiredMixin, FormView):
    """The office sets a password for a resident of its community who cannot reset it online
    (registered at the desk, no e-mail). Never for staff accounts."""

    form_class = SetPasswordForm
    template_name = "communities/resident_password_form.html"

    def get_profile(self) -> ResidentProfile:
        if not hasattr(self, "_profile"):
            self._profile = get_object_or_404(
                ResidentProfile.objects.filter(community__in=Community.objects.in_scope(self.scope))
                .exclude(staff_accounts_q("user__"))
                .select_related("user", "community"),
                pk=self.kwargs["pk"],
            )
        return self._profile

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.get_profile().user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.get_profile(), **kwargs)

    def form_valid(self, form):
        form.save()
        profile = self.get_profile()
        messages.success(
            self.request,
            _("The password of %(name)s was set. Give it to them in person.")
            % {"name": profile.user.display_name},
        )
        return redirect("communities:resident_list", community_pk=profile.community_id)


class PhoneRevealView(CommunityStaffRequiredMixin, FormView):
    """Show one resident's full mobile number to staff who need to call them, with a reason.

    Every reveal is in the audit log. The number is never part of list pages or exports.
    """

    form_class = RevealForm
    template_name = "communities/phone_reveal.html"

    def get_person(self):
        if not hasattr(self, "_person"):
            self._person = get_object_or_404(
                ResidentProfile.objects.filter(
                    community__in=Community.objects.in_scope(self.scope)
                ).select_related("user", "community"),
                user_id=self.kwargs["user_pk"],
            )
        return self._person

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.get_person(), **kwargs)

    def form_valid(self, form):
        profile = self.get_person()
        audit.record(
            action=AuditEvent.Action.REVEAL,
            instance=profile.user,
            changes={"field": "phone"},
            note=form.cleaned_data["reason"],
        )
        return self.render_to_response(
            self.get_context_data(form=form, revealed=profile.user.phone)
        )
