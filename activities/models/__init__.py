"""Activities of every kind and the parts some kinds keep afterwards (re-exported here).

``core``: activities, series, photos, partners, signups. The kind-specific parts: ``trees``
(tree adoption), ``clubs`` (reading clubs), ``drills`` (fire drills) and ``training`` (the
governance training base). Which parts belong to which kind is said once, in
``activities.kinds``.
"""

from activities.models.clubs import BookShare, ClubMember, ClubSession, ReadingClub
from activities.models.core import (
    Activity,
    ActivityPartner,
    ActivityPhoto,
    ActivityQuerySet,
    ActivitySeries,
    Signup,
    SignupQuerySet,
    photo_path,
)
from activities.models.drills import DrillAction, DrillGroup, DrillReport
from activities.models.training import (
    Instructor,
    Trainee,
    TrainingAttendance,
    TrainingProgramme,
    TrainingScore,
    TrainingSession,
)
from activities.models.trees import CareLog, Tree, TreeAdoption

__all__ = [
    "Activity",
    "ActivityPartner",
    "ActivityPhoto",
    "ActivityQuerySet",
    "ActivitySeries",
    "BookShare",
    "CareLog",
    "ClubMember",
    "ClubSession",
    "DrillAction",
    "DrillGroup",
    "DrillReport",
    "Instructor",
    "ReadingClub",
    "Signup",
    "SignupQuerySet",
    "Trainee",
    "TrainingAttendance",
    "TrainingProgramme",
    "TrainingScore",
    "TrainingSession",
    "Tree",
    "TreeAdoption",
    "photo_path",
]
