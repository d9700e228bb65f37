"""Scope for the Django admin: a non-superuser staff member sees and edits only their own scope.

Every ModelAdmin in the project derives from ``ScopedModelAdmin`` and says how its rows reach a
community (``scope_path``) and what scoped staff may do (``staff_actions``). Superusers see all.
The same ``scope_for`` as the views decides; see docs/permissions.md.
"""

from __future__ import annotations

from django.contrib import admin

from communities.models import Community, Compound, Street
from communities.permissions import Scope, scope_for


class ScopedModelAdmin(admin.ModelAdmin):
    #: Lookup from this model to its Community ("" when the model is Community itself).
    #: None: only superusers may use this admin page.
    scope_path: str | None = None
    #: What scoped (non-superuser) staff may do: a subset of {"view", "add", "change", "delete"}.
    staff_actions: frozenset[str] = frozenset({"view"})

    def _scope(self, request) -> Scope:
        return scope_for(request.user)

    def scope_queryset(self, queryset, scope: Scope):
        if scope.everything:
            return queryset
        if self.scope_path is None:
            return queryset.none()
        lookup = f"{self.scope_path}__in" if self.scope_path else "pk__in"
        return queryset.filter(**{lookup: scope.community_ids})

    def get_queryset(self, request):
        return self.scope_queryset(super().get_queryset(request), self._scope(request))

    def _may(self, request, action: str, obj=None) -> bool:
        scope = self._scope(request)
        if scope.everything:
            return True
        if self.scope_path is None or action not in self.staff_actions or not scope.is_staff:
            return False
        if obj is None:
            return True
        return self.scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), scope).exists()

    def has_module_permission(self, request):
        return self._may(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view", obj) or self._may(request, "change", obj)

    def has_add_permission(self, request):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete", obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = self._scope(request)
        if not scope.everything:
            model = db_field.related_model
            if model is Community:
                kwargs["queryset"] = Community.objects.in_scope(scope)
            elif model is Compound:
                kwargs["queryset"] = Compound.objects.in_scope(scope)
            elif model is Street:
                kwargs["queryset"] = Street.objects.filter(pk__in=scope.street_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline(admin.TabularInline):
    """An inline that follows its parent's permissions and restricts its choices the same way."""

    extra = 0
    staff_actions: frozenset[str] = frozenset({"view"})

    def _may(self, request, action: str) -> bool:
        scope = scope_for(request.user)
        return scope.everything or (scope.is_staff and action in self.staff_actions)

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or self._may(request, "change")

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete")


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    """For records written only through actions (counters, stock, adoptions, statuses): the
    admin shows them, to administrators and scoped staff alike, and changes nothing, so no form
    can bypass the rules the actions keep."""

    staff_actions: frozenset[str] = frozenset({"view"})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
