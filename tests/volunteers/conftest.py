import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from tests.activities.factories import ActivityFactory
from tests.factories import ResidentProfileFactory
from tests.volunteers.factories import VolunteerFactory, VolunteerRoleFactory


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def volunteer(resident, community):
    """``resident`` (刘芳, 13800000001) as an approved volunteer of 恒大社区."""
    return VolunteerFactory(user=resident, community=community)


@pytest.fixture
def make_volunteer(community):
    """``make_volunteer(**fields)`` → a new approved volunteer (default: of 恒大社区)."""

    def make(community=community, user=None, **fields):
        if user is None:
            user = ResidentProfileFactory(community=community).user
        return VolunteerFactory(community=community, user=user, **fields)

    return make


@pytest.fixture
def make_resident(community):
    def make(community=community, **user_fields):
        return ResidentProfileFactory(
            community=community, **{f"user__{k}": v for k, v in user_fields.items()}
        ).user

    return make


@pytest.fixture
def activity(community, community_staff):
    """A published activity of 恒大社区 in three days, 10:00 for two hours."""
    return ActivityFactory(community=community, created_by=community_staff, title="整理共享单车")


@pytest.fixture
def role(activity):
    return VolunteerRoleFactory(activity=activity, name="摆放单车", slots=3)


@pytest.fixture
def running_activity(community, community_staff):
    """Started an hour ago, ends in an hour: volunteers can be checked in now."""
    now = timezone.now()
    return ActivityFactory(
        community=community,
        created_by=community_staff,
        title="清理公交站台",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )


def jpeg_bytes(width: int = 48, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "seagreen").save(buffer, "JPEG")
    return buffer.getvalue()
