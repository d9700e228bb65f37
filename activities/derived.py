"""What an activity's row keeps of other rows, kept in step with them in the same transaction.

- The five-forces flags (``has_organisation`` …): a partner of the activity, a donation
  allocated to it or one of its volunteer roles saved or deleted sets the flags of its activity
  again (``ActivityQuerySet.refresh_forces``, one UPDATE).
- The partners as its cards list them (``partner_cards``): set again when a partner is saved
  or deleted.
- The organising unit's name (``unit_label``): set by ``Activity.save``, and on the unit's
  activities when a community or a street is renamed.

Receivers rather than calls in each action, because partners, allocations, roles and units are
also written by the admin, by cascades and by the demo data, and a row that missed one of them
would make every dashboard or card wrong without a sign. Writes that bypass signals
(``bulk_create``, ``QuerySet.update``) keep the row themselves: the scale seed writes all of it
with the activity.
"""

from dataclasses import asdict

from django.apps import apps
from django.db.models.signals import post_delete, post_save

#: What the five-forces flags are made of: each has an ``activity_id``.
FORCE_SOURCES = (
    "activities.ActivityPartner",
    "communities.ResourceAllocation",
    "volunteers.VolunteerRole",
)


def _activities():
    return apps.get_model("activities", "Activity").objects


def _forces(sender, instance, raw=False, **kwargs) -> None:
    # A fixture being loaded (a restore) carries the activity's row as it was: left alone.
    if not raw and instance.activity_id is not None:
        _activities().filter(pk=instance.activity_id).refresh_forces()


def partner_cards(activity_id: int) -> list[dict]:
    from activities.models.core import ActivityPartner, PartnerCard

    partners = ActivityPartner.objects.filter(activity_id=activity_id).order_by("pk")
    return [asdict(PartnerCard.of(partner)) for partner in partners]


def _partners(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    activities = _activities().filter(pk=instance.activity_id)
    activities.update(partner_cards=partner_cards(instance.activity_id))


def _community_renamed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    _activities().filter(community=instance).exclude(unit_label=instance.name).update(
        unit_label=instance.name
    )


def _street_renamed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    street_wide = _activities().filter(street=instance, community__isnull=True)
    street_wide.exclude(unit_label=instance.name).update(unit_label=instance.name)


def connect() -> None:
    for label in FORCE_SOURCES:
        model = apps.get_model(label)
        uid = f"forces-{label}"
        post_save.connect(_forces, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_forces, sender=model, dispatch_uid=f"{uid}-delete")
    partner = apps.get_model("activities", "ActivityPartner")
    post_save.connect(_partners, sender=partner, dispatch_uid="partner-cards-save")
    post_delete.connect(_partners, sender=partner, dispatch_uid="partner-cards-delete")
    post_save.connect(
        _community_renamed,
        sender=apps.get_model("communities", "Community"),
        dispatch_uid="unit-label-community",
    )
    post_save.connect(
        _street_renamed,
        sender=apps.get_model("communities", "Street"),
        dispatch_uid="unit-label-street",
    )
