"""Writes for fire drills: the drill report with its groups and follow-up actions."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, DrillAction, DrillGroup, DrillReport
from communities.models import OutsideUnit, User


def partner_unit_choices(activity: Activity) -> QuerySet[OutsideUnit]:
    """Outside units that may be a drill's partner: not archived, of the activity's street,
    serving its community or the whole street."""
    serves = Q(community__isnull=True)
    if activity.community_id:
        serves |= Q(community_id=activity.community_id)
    return OutsideUnit.objects.current().filter(serves, street_id=activity.street_id)


def group_key(name: str) -> str:
    """Group names that differ only in spacing or case are the same group."""
    return "".join(name.split()).casefold()


def _check_activity(activity: Activity) -> None:
    if activity.kind != Activity.Kind.FIRE_DRILL:
        raise ValidationError(_("Only a fire-drill activity has a drill report."))
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This drill was cancelled; it has no report."))
    if activity.starts_at > timezone.now():
        raise ValidationError(_("The drill has not started yet; write the report after it."))


@transaction.atomic
def drill_report_save(
    *,
    activity: Activity,
    by: User,
    partner_unit: OutsideUnit | None,
    evacuation_seconds: int,
    findings: str = "",
    groups: Sequence[dict],
    actions: Sequence[dict],
) -> DrillReport:
    """Create or replace the report of a drill that has started, all or nothing.

    ``groups``: ``{"name", "people"}`` — the participants by group, the whole list (at least one,
    no name twice). ``actions``: ``{"pk" (an existing action of this report, or None), "action",
    "owner", "due_on", "done"}`` — the whole list; actions left out are removed. ``done_at`` is
    set when an action becomes done and cleared if it is reopened.
    """
    _check_activity(activity)
    if (
        partner_unit is not None
        and not partner_unit_choices(activity).filter(pk=partner_unit.pk).exists()
    ):
        raise ValidationError(
            {"partner_unit": _("Choose an outside unit of this community or of the street.")}
        )
    if not groups:
        raise ValidationError(_("Enter at least one group of participants."))
    keys = [group_key(row["name"]) for row in groups]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Each group may appear only once."))

    # Lock the activity first: two first saves at once must not both insert a report.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    report = DrillReport.objects.select_for_update().filter(activity=activity).first()
    if report is None:
        report = DrillReport(activity=activity)
    report.partner_unit = partner_unit
    report.evacuation_seconds = evacuation_seconds
    report.findings = findings.strip()
    report.written_by = by
    report.full_clean()
    report.save()

    # Groups are plain values: the list given replaces the old one.
    report.groups.all().delete()
    for row in groups:
        group = DrillGroup(report=report, name=row["name"].strip(), people=row["people"])
        group.full_clean()
        group.save()

    existing = {action.pk: action for action in report.actions.select_for_update()}
    now = timezone.now()
    kept = set()
    for row in actions:
        pk = row.get("pk")
        if pk is None:
            item = DrillAction(report=report)
        elif pk in existing:
            item = existing[pk]
        else:
            raise ValidationError(_("A follow-up action does not belong to this report."))
        item.action, item.owner = row["action"].strip(), row["owner"].strip()
        item.due_on = row["due_on"]
        if row["done"] and not item.done:
            item.done_at = now
        elif not row["done"]:
            item.done_at = None
        item.done = row["done"]
        item.full_clean()
        item.save()
        kept.add(item.pk)
    report.actions.exclude(pk__in=kept).delete()
    return report


@transaction.atomic
def drill_action_done(*, action: DrillAction, by: User) -> DrillAction:
    """Tick a follow-up action done (once: ticking it again changes nothing)."""
    action = DrillAction.objects.select_for_update().get(pk=action.pk)
    if not action.done:
        action.done = True
        action.done_at = timezone.now()
        action.save(update_fields=["done", "done_at"])
    return action
