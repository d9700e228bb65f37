import pytest

from tests.activities.factories import ActivityFactory
from tests.factories import ResidentProfileFactory


@pytest.fixture
def activity(community, community_staff):
    """A published activity of ``community`` in three days, 10 places."""
    return ActivityFactory(community=community, created_by=community_staff, title="春季绿植领养")


@pytest.fixture
def make_resident(community):
    """``make_resident()`` → a new resident user of ``community``."""

    def make(**user_fields):
        return ResidentProfileFactory(
            community=community, **{f"user__{k}": v for k, v in user_fields.items()}
        ).user

    return make
