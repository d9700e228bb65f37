"""The volunteer roles box on an activity's public page: the roles come prefetched with the
activity; a logged-in user costs two queries more (their volunteer record and roles)."""

from django import template
from django.utils import timezone

from volunteers.models import RoleSignup, Volunteer

register = template.Library()


@register.inclusion_tag("volunteers/includes/_activity_roles.html", takes_context=True)
def activity_roles(context, activity):
    roles = sorted(activity.volunteer_roles.all(), key=lambda role: role.pk)
    user = context["request"].user
    volunteer = None
    mine = {}
    if roles and user.is_authenticated:
        volunteer = Volunteer.objects.filter(user=user).first()
        if volunteer is not None:
            mine = {
                signup.role_id: signup
                for signup in RoleSignup.objects.active().filter(
                    volunteer=volunteer, role__activity=activity
                )
            }
    for role in roles:
        role.my_signup = mine.get(role.pk)
    return {
        "activity": activity,
        "roles": roles,
        "volunteer": volunteer,
        "user": user,
        "taking": activity.status == "published" and timezone.now() < activity.starts_at,
        "csrf_token": context.get("csrf_token"),
    }
