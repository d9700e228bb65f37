"""The five-forces flags on an activity's row, kept in step with what they are made of.

A partner of the activity, a donation allocated to it or one of its volunteer roles saved or
deleted: the flags of its activity are set again (``ActivityQuerySet.refresh_forces``, one
UPDATE) in the same transaction. Receivers rather than calls in each action, because partners,
allocations and roles are also written by the admin, by cascades and by the demo data, and a
flag that missed one of them would make every dashboard wrong without a sign. Writes that
bypass signals (``bulk_create``, ``QuerySet.update`` of ``taken``) set the flags themselves:
the scale seed computes them as it writes.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

#: What the flags are made of: each has an ``activity_id``.
SOURCES = (
    "activities.ActivityPartner",
    "communities.ResourceAllocation",
    "volunteers.VolunteerRole",
)


def _refresh(sender, instance, **kwargs) -> None:
    if instance.activity_id is not None:
        activity = apps.get_model("activities", "Activity")
        activity.objects.filter(pk=instance.activity_id).refresh_forces()


def connect() -> None:
    for label in SOURCES:
        model = apps.get_model(label)
        uid = f"forces-{label}"
        post_save.connect(_refresh, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_refresh, sender=model, dispatch_uid=f"{uid}-delete")
