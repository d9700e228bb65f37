"""The organisation tree, its people and the five forces' registries (re-exported here)."""

from communities.models.forces import (
    CharitableResource,
    OrganisationTransition,
    OutsideUnit,
    ResourceAllocation,
    ScopedQuerySet,
    SocialOrganisation,
    SocialWorker,
    SocialWorkRecord,
)
from communities.models.people import (
    Consent,
    DeletionRequest,
    ResidentProfile,
    SpecialGroup,
    StaffAssignment,
    User,
)
from communities.models.places import (
    Community,
    CommunityQuerySet,
    Compound,
    District,
    Street,
    new_token,
)

__all__ = [
    "CharitableResource",
    "OrganisationTransition",
    "OutsideUnit",
    "ResourceAllocation",
    "ScopedQuerySet",
    "SocialOrganisation",
    "SocialWorkRecord",
    "SocialWorker",
    "Community",
    "CommunityQuerySet",
    "Compound",
    "Consent",
    "DeletionRequest",
    "District",
    "ResidentProfile",
    "SpecialGroup",
    "StaffAssignment",
    "Street",
    "User",
    "new_token",
]
