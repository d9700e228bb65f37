"""Volunteer roles follow their activity: cancelled with it, told when it moves."""

from django.dispatch import receiver

from activities.signals import activity_cancelled, activity_moved
from volunteers import actions


@receiver(activity_cancelled, dispatch_uid="volunteers_activity_cancelled")
def _cancelled(sender, activity, by, message, **kwargs):
    actions.roles_release_for_cancelled(activity, message)


@receiver(activity_moved, dispatch_uid="volunteers_activity_moved")
def _moved(sender, activity, by, message, **kwargs):
    actions.volunteers_tell_of_change(activity, message)
