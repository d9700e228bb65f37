"""Tree adoption (绿植领养): staff pages, printable name tags, the public tree page, care logs.

Staff fetch trees only through ``Tree.objects.in_scope(scope)`` (another community's tree is a
404). The public page, reached from a tag's QR code, shows the adopter's masked name only; the
current adopter and scoped staff log care there.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from activities import actions as activity_actions
from activities.models import Activity, CareLog, Tree
from activities.parts.trees import actions
from activities.parts.trees.filters import TreeFilter
from activities.parts.trees.forms import (
    AdoptionEndForm,
    CareLogForm,
    TreeAdoptForm,
    TreeForm,
    TreeLostForm,
    TreeReplaceForm,
)
from activities.qr import qr_svg
from activities.views.manage import ManagedActivityMixin
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from governance_portal.ratelimit import RateLimitMixin
from volunteers.views.pages import FormPageMixin

LABELS_PER_PAGE = 8  # 2 columns × 4 rows of 105×74 mm on A4
MAX_LABELS = 80
PLANTED_SHOWN = 100  # on the public activity page


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


# --- staff -----------------------------------------------------------------------------------


class TreeManageListView(CommunityStaffRequiredMixin, ListView):
    """The trees of the staff member's communities, by compound, with their condition."""

    template_name = "activities/parts/trees_manage_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            Tree.objects.in_scope(self.scope)
            .select_related("community", "compound", "adopter")
            .order_by("community__name", "compound__name", "name", "pk")
        )
        self.filterset = TreeFilter(self.request.GET, queryset=queryset, scope=self.scope)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset, labels_query=query.urlencode(), **kwargs
        )


class ScopedTreeMixin(CommunityStaffRequiredMixin):
    """Fetches the tree through the staff member's scope: another community's is a 404."""

    def get_tree(self) -> Tree:
        if not hasattr(self, "_tree"):
            self._tree = get_object_or_404(
                Tree.objects.in_scope(self.scope).select_related(
                    "community__street", "compound", "adopter", "planting_activity", "replaced_by"
                ),
                pk=self.kwargs["pk"],
            )
        return self._tree

    def get_context_data(self, **kwargs):
        kwargs.setdefault("tree", self.get_tree())
        return super().get_context_data(**kwargs)

    def back_url(self) -> str:
        return reverse("activities:tree_manage", args=[self.get_tree().pk])


class TreeFormPageMixin(FormPageMixin):
    """The small-form page, with file uploads for the tree's photo."""

    template_name = "activities/parts/trees_form.html"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                response = self.run(form)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        return response

    def run(self, form):  # pragma: no cover - overridden
        raise NotImplementedError


class TreeCreateView(CommunityStaffRequiredMixin, TreeFormPageMixin, FormView):
    form_class = TreeForm
    page_title = gettext_lazy("Add a tree")
    page_intro = gettext_lazy(
        "Care is first due this many days after the planting day; each care log starts again."
    )

    def planting_activity(self) -> Activity | None:
        pk = _int_or_none(self.request.GET.get("activity"))
        if pk is None:
            return None
        return (
            Activity.objects.manageable_by(self.scope)
            .filter(kind=Activity.Kind.TREE_ADOPTION, pk=pk)
            .first()
        )

    def get_initial(self):
        initial = {"planted_on": timezone.localdate()}
        activity = self.planting_activity()
        if activity is not None:
            initial |= {
                "planting_activity": activity,
                "planted_on": timezone.localdate(activity.starts_at),
            }
            if activity.community_id:
                initial["community"] = activity.community_id
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_context_data(self, **kwargs):
        return super().get_context_data(tree=None, **kwargs)

    def back_url(self) -> str:
        return reverse("activities:tree_manage_list")

    def run(self, form):
        tree = actions.tree_create(
            by=self.request.user,
            scope=self.scope,
            photo=form.cleaned_data["photo"],
            **form.tree_fields(),
        )
        messages.success(self.request, _("The tree %(name)s was added.") % {"name": tree.name})
        return redirect("activities:tree_manage", pk=tree.pk)


class TreeUpdateView(ScopedTreeMixin, TreeFormPageMixin, FormView):
    form_class = TreeForm
    page_title = gettext_lazy("Edit the tree")

    def get_form_kwargs(self):
        tree = self.get_tree()
        return {
            **super().get_form_kwargs(),
            "scope": self.scope,
            "community": tree.community,
            "instance": tree,
        }

    def run(self, form):
        actions.tree_update(
            tree=self.get_tree(),
            by=self.request.user,
            photo=form.cleaned_data["photo"],
            **form.tree_fields(),
        )
        messages.success(self.request, _("The tree was saved."))
        return redirect(self.back_url())


class TreeManageView(ScopedTreeMixin, ListView):
    """One tree for staff: details, adoption history, care timeline, what can be done."""

    template_name = "activities/parts/trees_manage.html"
    paginate_by = 20

    def get_queryset(self):
        return self.get_tree().care_logs.select_related("logged_by").order_by("-logged_at", "-pk")

    def get_context_data(self, **kwargs):
        tree = self.get_tree()
        return super().get_context_data(
            adoptions=list(tree.adoptions.select_related("adopter", "registered_by")),
            public_url=self.request.build_absolute_uri(tree.get_absolute_url()),
            **kwargs,
        )


class TreeAdoptView(ScopedTreeMixin, FormPageMixin, FormView):
    """At the desk: a family adopts the tree (the adopter found or created by mobile)."""

    form_class = TreeAdoptForm
    page_title = gettext_lazy("Adopt the tree")
    submit_label = gettext_lazy("Adopt")

    @property
    def page_intro(self):
        tree = self.get_tree()
        intro = _("%(tree)s in %(community)s. The adopter must live in this community.") % {
            "tree": tree.name,
            "community": tree.community.name,
        }
        if tree.adopter_id:
            intro += " " + _("It is adopted now: adopting ends the current adoption.")
        return intro

    def form_valid(self, form):
        tree, data = self.get_tree(), form.cleaned_data
        try:
            # One transaction: a refused adoption leaves no new resident record behind.
            with transaction.atomic():
                adopter = activity_actions.resident_find_or_create_at_desk(
                    name=data["name"],
                    phone=data["phone"],
                    community=tree.community,
                    scope=self.scope,
                    by=self.request.user,
                )
                actions.tree_adopt(
                    tree=tree,
                    adopter=adopter,
                    tag_name=data["tag_name"],
                    by=self.request.user,
                    reason=data["reason"],
                )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s adopts %(tree)s.") % {"name": adopter.display_name, "tree": tree.name},
        )
        return redirect(self.back_url())


class TreeStepView(ScopedTreeMixin, FormPageMixin, FormView):
    """A small step on one tree: end the adoption, mark it lost."""

    success_message = ""

    @property
    def page_intro(self):
        return self.get_tree().name

    def run(self, form):  # pragma: no cover - overridden
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.run(form)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.back_url())


class AdoptionEndView(TreeStepView):
    form_class = AdoptionEndForm
    page_title = gettext_lazy("End the adoption")
    submit_label = gettext_lazy("End the adoption")
    success_message = gettext_lazy("The adoption has ended; it stays in the tree's history.")

    def run(self, form):
        actions.tree_adoption_end(
            tree=self.get_tree(), reason=form.cleaned_data["reason"], by=self.request.user
        )


class TreeLostView(TreeStepView):
    form_class = TreeLostForm
    page_title = gettext_lazy("Mark the tree lost")
    submit_label = gettext_lazy("Mark lost")
    success_message = gettext_lazy("The tree is marked lost. You can plant a replacement.")

    def run(self, form):
        actions.tree_mark_lost(
            tree=self.get_tree(), note=form.cleaned_data["note"], by=self.request.user
        )


class TreeReplaceView(ScopedTreeMixin, TreeFormPageMixin, FormView):
    form_class = TreeReplaceForm
    page_title = gettext_lazy("Plant a replacement")
    submit_label = gettext_lazy("Save the replacement")
    page_intro = gettext_lazy(
        "The adopter moves to the new tree; the old tree keeps its history and links to it."
    )

    def get_initial(self):
        tree = self.get_tree()
        return {
            "name": f"{tree.name}（补种）"[:40],
            "species": tree.species,
            "spot": tree.spot,
            "compound": tree.compound,
            "care_every_days": tree.care_every_days,
            "planted_on": timezone.localdate(),
            "note": tree.status_note,
        }

    def get_form_kwargs(self):
        tree = self.get_tree()
        return {**super().get_form_kwargs(), "scope": self.scope, "community": tree.community}

    def run(self, form):
        replacement = actions.tree_replace(
            tree=self.get_tree(),
            by=self.request.user,
            note=form.cleaned_data["note"],
            photo=form.cleaned_data["photo"],
            **form.tree_fields(),
        )
        messages.success(
            self.request,
            _("%(name)s replaces the old tree; print its name tag.") % {"name": replacement.name},
        )
        return redirect("activities:tree_manage", pk=replacement.pk)


class ActivityTreesView(ManagedActivityMixin, ListView):
    """The kind's staff page: the trees planted at one tree adoption activity."""

    template_name = "activities/parts/trees_activity.html"
    paginate_by = 50

    def get_queryset(self):
        activity = self.get_activity()
        if activity.kind != Activity.Kind.TREE_ADOPTION:
            return Tree.objects.none()
        return (
            Tree.objects.in_scope(self.scope)
            .filter(planting_activity=activity)
            .select_related("community", "compound", "adopter")
            .order_by("compound__name", "name", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_tree_adoption=self.get_activity().kind == Activity.Kind.TREE_ADOPTION, **kwargs
        )


class TreeLabelsView(CommunityStaffRequiredMixin, TemplateView):
    """姓名牌: A4 sheets of 2 × 4 name tags with the tree's QR code, ready to print."""

    template_name = "activities/parts/trees_labels.html"

    def get_trees(self) -> tuple[list[Tree], bool]:
        queryset = (
            Tree.objects.in_scope(self.scope)
            .exclude(status=Tree.Status.REPLACED)
            .select_related("community", "compound", "adopter")
            .order_by("community__name", "compound__name", "name", "pk")
        )
        params = self.request.GET
        activity, tree = _int_or_none(params.get("activity")), _int_or_none(params.get("tree"))
        if tree is not None:
            queryset = queryset.filter(pk=tree)
        elif activity is not None:
            queryset = queryset.filter(planting_activity_id=activity)
        else:
            filterset = TreeFilter(params, queryset=queryset, scope=self.scope)
            queryset = filterset.qs
        trees = list(queryset[: MAX_LABELS + 1])
        return trees[:MAX_LABELS], len(trees) > MAX_LABELS

    def get_context_data(self, **kwargs):
        trees, capped = self.get_trees()
        for tree in trees:
            url = self.request.build_absolute_uri(tree.get_absolute_url())
            tree.qr = qr_svg(url).decode()
        sheets = [trees[i : i + LABELS_PER_PAGE] for i in range(0, len(trees), LABELS_PER_PAGE)]
        back = QueryDict(mutable=True)
        back.update({k: v for k, v in self.request.GET.items() if k in TreeFilter.Meta.fields})
        return super().get_context_data(
            sheets=sheets,
            label_count=len(trees),
            capped=capped,
            max_labels=MAX_LABELS,
            back_query=back.urlencode(),
            **kwargs,
        )


# --- public ----------------------------------------------------------------------------------


PUBLIC_RELATED = ("community", "compound", "adopter", "replaced_by")


def _public_tree(tag_code: str) -> Tree:
    return get_object_or_404(Tree.objects.select_related(*PUBLIC_RELATED), tag_code=tag_code)


@method_decorator(login_not_required, name="dispatch")
class TreeQRCodeView(View):
    """The SVG QR code of a tree's public page (the same as on its name tag)."""

    def get(self, request, tag_code):
        tree = get_object_or_404(Tree.objects.only("tag_code"), tag_code=tag_code)
        url = request.build_absolute_uri(tree.get_absolute_url())
        return HttpResponse(qr_svg(url), content_type="image/svg+xml")


class TreePageMixin:
    """The public tree page: details, the masked adopter, the care timeline, the care form."""

    template_name = "activities/parts/trees_public.html"
    paginate_by = 20

    def get_tree(self) -> Tree:
        if not hasattr(self, "_tree"):
            self._tree = _public_tree(self.kwargs["tag_code"])
        return self._tree

    def get_queryset(self):
        return CareLog.objects.filter(tree=self.get_tree()).order_by("-logged_at", "-pk")

    def get_context_data(self, **kwargs):
        tree, user = self.get_tree(), self.request.user
        can_log = actions.may_log_care(tree, user)
        if can_log and tree.status == Tree.Status.HEALTHY:
            kwargs.setdefault("care_form", CareLogForm())
        else:
            kwargs.setdefault("care_form", None)
        return super().get_context_data(
            tree=tree,
            can_log=can_log,
            is_adopter=user.is_authenticated and tree.adopter_id == user.pk,
            **kwargs,
        )


@method_decorator(login_not_required, name="dispatch")
class TreePublicView(TreePageMixin, ListView):
    pass


class CareLogCreateView(RateLimitMixin, TreePageMixin, ListView):
    """POST a care log from the tree's page (login required, like every non-public URL)."""

    http_method_names = ["get", "post"]
    rate_limit_scope = "tree_care"
    rate_limit_setting = "RATE_LIMIT_SIGNUP_PER_MINUTE"
    rate_limit_per = "user"

    def get(self, request, *args, **kwargs):
        return redirect(self.get_tree())

    def post(self, request, *args, **kwargs):
        tree = self.get_tree()
        if not actions.may_log_care(tree, request.user):
            raise PermissionDenied
        if tree.status != Tree.Status.HEALTHY:
            messages.error(
                request, _("This tree is lost or replaced: its care is no longer logged.")
            )
            return redirect(tree)
        form = CareLogForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.care_log_add(
                    tree=tree,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    processed_photo=form.cleaned_data["photo"],
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Thank you! Your care is on the tree's timeline."))
                return redirect(f"{tree.get_absolute_url()}#timeline")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(care_form=form))


# --- the public activity page ----------------------------------------------------------------


def public_part_context(activity: Activity) -> dict:
    """Trees planted at ``activity`` for its public page (one query; no adopter names)."""
    trees = list(
        Tree.objects.filter(planting_activity=activity)
        .only("name", "species", "status", "care_due_at", "tag_code")
        .order_by("name", "pk")[: PLANTED_SHOWN + 1]
    )
    return {"planted_trees": trees[:PLANTED_SHOWN], "more_trees": len(trees) > PLANTED_SHOWN}


def my_trees(user) -> list[Tree]:
    """我的绿植: the trees ``user`` adopts now, for the resident's page (one query)."""
    return list(
        Tree.objects.adopted_by(user)
        .select_related("community", "compound")
        .order_by("care_due_at", "pk")
    )
