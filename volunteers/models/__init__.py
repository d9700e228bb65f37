"""Volunteers (社区志愿者): who they are, the roles they take on activities, the hours they serve
and the certificates they are given. See docs/volunteers.md."""

from volunteers.models.people import (
    DEFAULT_STAR_THRESHOLDS,
    StarPolicy,
    Volunteer,
    VolunteerTeam,
    star_level,
)
from volunteers.models.records import Certificate, ServiceRecord
from volunteers.models.roles import RoleSignup, VolunteerRole

__all__ = [
    "DEFAULT_STAR_THRESHOLDS",
    "Certificate",
    "RoleSignup",
    "ServiceRecord",
    "StarPolicy",
    "Volunteer",
    "VolunteerRole",
    "VolunteerTeam",
    "star_level",
]
