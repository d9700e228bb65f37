"""Writes on trees, their adoptions and care logs (绿植领养).

Every write that reads and changes a tree locks its row first (``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite the write transaction is serialised by ``transaction_mode=IMMEDIATE``), so
two desks adopting the same tree, or a care log racing an adoption change, cannot both win.
``Tree.adopter``/``tag_name`` mirror the current ``TreeAdoption``; ``care_due_at`` and
``last_cared_at`` are kept on the row so lists filter on an index, never on the logs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.images import ProcessedPhoto
from activities.models import Activity, CareLog, Tree, TreeAdoption
from communities.models import Community, ResidentProfile
from communities.permissions import Scope, scope_for

# What a tree may be given on create, edit and replacement (the rest is kept by the actions).
TREE_FIELDS = frozenset(
    {
        "community",
        "compound",
        "planting_activity",
        "name",
        "species",
        "spot",
        "planted_on",
        "care_every_days",
    }
)


def _locked(tree: Tree) -> Tree:
    return Tree.objects.select_for_update(of=("self",)).get(pk=tree.pk)


def _current_adoption(tree: Tree) -> TreeAdoption | None:
    return tree.adoptions.filter(ended_at__isnull=True).select_related("adopter").first()


def planting_day_start(planted_on: date) -> datetime:
    """Midnight of the planting day in the portal's time zone (Asia/Shanghai)."""
    return timezone.make_aware(
        datetime.combine(planted_on, time.min), timezone.get_default_timezone()
    )


def _care_due(tree: Tree) -> datetime:
    """Care is due ``care_every_days`` after the last care, or after the planting day."""
    start = tree.last_cared_at or planting_day_start(tree.planted_on)
    return start + timedelta(days=tree.care_every_days)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - TREE_FIELDS
    if unknown:
        raise TypeError(f"Unknown tree fields: {', '.join(sorted(unknown))}")


def _check_places(tree: Tree) -> None:
    """The compound and the planting activity belong to the tree's community."""
    errors = {}
    if tree.compound is not None and tree.compound.community_id != tree.community_id:
        errors["compound"] = _("This compound is not in the tree's community.")
    activity = tree.planting_activity
    if activity is not None:
        if activity.kind != Activity.Kind.TREE_ADOPTION:
            errors["planting_activity"] = _("Choose a tree adoption activity.")
        elif activity.community_id is not None and activity.community_id != tree.community_id:
            errors["planting_activity"] = _("This activity belongs to another community.")
        elif activity.community_id is None and activity.street_id != tree.community.street_id:
            # A whole-street activity may plant trees in any community of its street.
            errors["planting_activity"] = _("This activity belongs to another street.")
    if tree.name and tree.community_id:
        same_name = Tree.objects.filter(community_id=tree.community_id, name=tree.name)
        if tree.pk:
            same_name = same_name.exclude(pk=tree.pk)
        if same_name.exists():
            errors["name"] = _("This community already has a tree with this name.")
    if errors:
        raise ValidationError(errors)


def _set_photo(tree: Tree, photo: ProcessedPhoto | None) -> None:
    if photo:
        tree.photo.save(photo.image.name, photo.image, save=False)
        tree.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)


def _new_tree(*, by, photo: ProcessedPhoto | None = None, **fields) -> Tree:
    _check_fields(fields)
    tree = Tree(created_by=by, **fields)
    if tree.planted_on is None:
        raise ValidationError({"planted_on": _("Enter the day the tree was planted.")})
    _check_places(tree)
    tree.care_due_at = _care_due(tree)
    tree.full_clean()
    _set_photo(tree, photo)
    tree.save()
    return tree


@transaction.atomic
def tree_create(*, by, scope: Scope, photo: ProcessedPhoto | None = None, **fields) -> Tree:
    """Record a planted tree. Care is first due ``care_every_days`` after the planting day."""
    community: Community | None = fields.get("community")
    if community is None or not scope.covers_community(community.pk):
        raise ValidationError({"community": _("Choose one of your communities.")})
    return _new_tree(by=by, photo=photo, **fields)


@transaction.atomic
def tree_update(*, tree: Tree, by, photo: ProcessedPhoto | None = None, **changes) -> Tree:
    """Edit a tree's details; its community, adopter and care record stay as they are."""
    _check_fields(changes)
    if "community" in changes and changes["community"].pk != tree.community_id:
        raise ValidationError({"community": _("A tree cannot move to another community.")})
    tree = _locked(tree)
    for name, value in changes.items():
        setattr(tree, name, value)
    _check_places(tree)
    tree.care_due_at = _care_due(tree)
    tree.full_clean()
    _set_photo(tree, photo)
    tree.save()
    return tree


def _refuse_if_gone(tree: Tree, message: str) -> None:
    if tree.status != Tree.Status.HEALTHY:
        raise ValidationError(message)


def _end(adoption: TreeAdoption, reason: str, now: datetime) -> None:
    adoption.ended_at = now
    adoption.end_reason = reason[:200]
    adoption.full_clean()
    adoption.save(update_fields=["ended_at", "end_reason"])


def _start(tree: Tree, *, adopter, tag_name: str, by, now: datetime) -> TreeAdoption:
    adoption = TreeAdoption(
        tree=tree, adopter=adopter, tag_name=tag_name, started_at=now, registered_by=by
    )
    adoption.full_clean()
    adoption.save()
    tree.adopter, tree.tag_name = adopter, tag_name
    return adoption


@transaction.atomic
def tree_adopt(*, tree: Tree, adopter, tag_name: str = "", by, reason: str = "") -> TreeAdoption:
    """A family adopts the tree. The current adoption, if any, ends (with ``reason``) and stays
    in the tree's history; the same family adopting again only changes the name on the tag."""
    tree = _locked(tree)
    _refuse_if_gone(tree, _("A lost or replaced tree cannot be adopted."))
    tag_name = tag_name.strip()
    if not ResidentProfile.objects.filter(user=adopter, community_id=tree.community_id).exists():
        raise ValidationError({"phone": _("Only a resident of the tree's community can adopt it.")})
    now = timezone.now()
    current = _current_adoption(tree)
    if current is not None and current.adopter_id == adopter.pk:
        current.tag_name = tag_name
        current.full_clean()
        current.save(update_fields=["tag_name"])
        tree.tag_name = tag_name
        tree.save(update_fields=["tag_name"])
        return current
    if current is not None:
        _end(current, reason.strip() or _("Adopted by another family."), now)
    adoption = _start(tree, adopter=adopter, tag_name=tag_name, by=by, now=now)
    tree.save(update_fields=["adopter", "tag_name"])
    return adoption


@transaction.atomic
def tree_adoption_end(*, tree: Tree, reason: str, by) -> TreeAdoption:
    """The family gives the tree back; the adoption stays in the tree's history."""
    tree = _locked(tree)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the adoption ends.")})
    current = _current_adoption(tree)
    if current is None:
        raise ValidationError(_("This tree has no adopter."))
    _end(current, reason, timezone.now())
    tree.adopter, tree.tag_name = None, ""
    tree.save(update_fields=["adopter", "tag_name"])
    return current


@transaction.atomic
def tree_mark_lost(*, tree: Tree, note: str, by) -> Tree:
    """The tree died or disappeared. Its adoption stays open so a replacement can take it over."""
    tree = _locked(tree)
    _refuse_if_gone(tree, _("This tree is already marked lost or replaced."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what happened to the tree.")})
    tree.status = Tree.Status.LOST
    tree.status_note = note
    tree.full_clean()
    tree.save(update_fields=["status", "status_note"])
    return tree


@transaction.atomic
def tree_replace(
    *, tree: Tree, by, note: str = "", photo: ProcessedPhoto | None = None, **new_tree_fields
) -> Tree:
    """Plant a new tree in place of this one (lost or not). The current adoption moves to the
    new tree: it ends on the old tree, whose history stays, and starts again on the new one."""
    tree = _locked(tree)
    if tree.status == Tree.Status.REPLACED:
        raise ValidationError(_("This tree was already replaced."))
    new_tree_fields.pop("community", None)
    replacement = _new_tree(by=by, photo=photo, community=tree.community, **new_tree_fields)
    now = timezone.now()
    current = _current_adoption(tree)
    if current is not None:
        _end(current, _("Moved to the replacement tree %(name)s.") % {"name": replacement}, now)
        _start(replacement, adopter=current.adopter, tag_name=current.tag_name, by=by, now=now)
        replacement.save(update_fields=["adopter", "tag_name"])
    tree.status = Tree.Status.REPLACED
    tree.status_note = note.strip() or tree.status_note
    tree.replaced_by = replacement
    tree.adopter, tree.tag_name = None, ""
    tree.full_clean()
    tree.save(update_fields=["status", "status_note", "replaced_by", "adopter", "tag_name"])
    return replacement


def may_log_care(tree: Tree, user) -> bool:
    """The current adopter, or staff whose scope covers the tree's community."""
    if not getattr(user, "is_authenticated", False):
        return False
    return tree.adopter_id == user.pk or scope_for(user).covers_community(tree.community_id)


@transaction.atomic
def care_log_add(
    *, tree: Tree, by, kind: str, note: str = "", processed_photo: ProcessedPhoto | None = None
) -> CareLog:
    """Log watering, fertilising, pruning or a visit; care is next due ``care_every_days`` later.

    The adopter's logs record their adoption; staff logs have none."""
    tree = _locked(tree)
    if not may_log_care(tree, by):
        raise PermissionDenied
    _refuse_if_gone(tree, _("This tree is lost or replaced: its care is no longer logged."))
    adoption = _current_adoption(tree) if tree.adopter_id == by.pk else None
    now = timezone.now()
    log = CareLog(
        tree=tree, adoption=adoption, kind=kind, note=note.strip(), logged_by=by, logged_at=now
    )
    if processed_photo:
        log.photo.save(processed_photo.image.name, processed_photo.image, save=False)
        log.thumbnail.save(processed_photo.thumbnail.name, processed_photo.thumbnail, save=False)
    log.full_clean()
    log.save()
    tree.last_cared_at = now
    tree.care_due_at = tree.due_after(now)
    tree.save(update_fields=["last_cared_at", "care_due_at"])
    return log
