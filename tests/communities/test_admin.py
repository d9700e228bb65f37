"""The Django admin: every model registered, scoped for non-superusers."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from communities.models import Community, ResidentProfile
from tests.conftest import client_for
from tests.factories import CompoundFactory


def test_every_model_is_registered_in_the_admin():
    ours = {"governance_portal", "communities", "activities", "volunteers", "services"}
    models = [m for m in apps.get_models() if m._meta.app_label in ours]

    assert models
    assert [m for m in models if m not in admin.site._registry] == []


def test_community_staff_see_only_their_community_in_the_admin(
    community_staff, community, other_community
):
    page = client_for(community_staff).get(reverse("admin:communities_community_changelist"))

    assert page.status_code == 200
    names = [c.name for c in page.context["cl"].result_list]
    assert names == [community.name]


def test_community_staff_get_no_page_for_another_communitys_record(
    community_staff, other_community
):
    url = reverse("admin:communities_community_change", args=[other_community.pk])

    response = client_for(community_staff).get(url)

    assert response.status_code == 302  # the admin's "does not exist" redirect: nothing shown
    assert (
        other_community.name
        not in client_for(community_staff).get(response["Location"]).content.decode()
    )


def test_community_staff_cannot_manage_users_or_roles(community_staff):
    client = client_for(community_staff)

    assert client.get(reverse("admin:communities_user_changelist")).status_code == 403
    assert client.get(reverse("admin:communities_staffassignment_changelist")).status_code == 403


def test_compound_choices_in_admin_are_scoped(community_staff, community, other_community):
    response = client_for(community_staff).get(reverse("admin:communities_compound_add"))

    choices = response.context["adminform"].form.fields["community"].queryset
    assert list(choices) == [community]


def test_community_staff_cannot_add_a_compound_to_another_community(
    community_staff, other_community
):
    response = client_for(community_staff).post(
        reverse("admin:communities_compound_add"),
        {"community": other_community.pk, "name": "越权小区"},
    )

    assert response.status_code == 200
    assert not other_community.compounds.exists()


def test_resident_admin_masks_phones_and_is_scoped(
    community_staff, resident, other_community, django_assert_max_num_queries
):
    from tests.factories import ResidentProfileFactory

    ResidentProfileFactory(community=other_community, user__phone="13700000009")
    response = client_for(community_staff).get(
        reverse("admin:communities_residentprofile_changelist")
    )

    page = response.content.decode()
    assert "138****0001" in page
    assert resident.phone not in page
    assert "137****0009" not in page


def test_residents_cannot_open_the_admin(resident):
    response = client_for(resident).get(reverse("admin:index"))

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "communities_district",
        "communities_street",
        "communities_community",
        "communities_compound",
        "communities_user",
        "communities_staffassignment",
        "communities_residentprofile",
        "communities_consent",
    ],
)
def test_superuser_opens_every_changelist_and_add_page(admin_user, community, resident, name):
    CompoundFactory(community=community)
    client = client_for(admin_user)

    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{name}_changelist"), {"q": "恒大"}).status_code == 200


def test_changelist_queries_stay_flat(admin_user, django_assert_max_num_queries):
    from tests.factories import ResidentProfileFactory

    client = client_for(admin_user)
    url = reverse("admin:communities_residentprofile_changelist")
    ResidentProfileFactory()
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    ResidentProfileFactory.create_batch(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    assert ResidentProfile.objects.count() == 21
    assert Community.objects.count() == 21


def test_community_staff_see_their_own_street_read_only(
    community_staff, community, other_community
):
    client = client_for(community_staff)
    page = client.get(reverse("admin:communities_street_changelist"))

    assert [s.name for s in page.context["cl"].result_list] == [community.street.name]
    change = client.post(
        reverse("admin:communities_street_change", args=[community.street.pk]),
        {"name": "改名", "district": community.street.district_id},
    )
    assert change.status_code == 403
    community.street.refresh_from_db()
    assert community.street.name != "改名"


def test_staff_see_registries_and_activities_read_only_in_the_admin(
    community_staff, community, street
):
    from activities.models import ActivityPartner
    from communities.models import SocialOrganisation
    from tests.activities.factories import ActivityFactory

    activity = ActivityFactory(community=community)
    other = ActivityFactory()
    partner = ActivityPartner.objects.create(activity=activity, kind="other", name="伙伴")
    organisation = SocialOrganisation.objects.create(
        name="测试组织", category="other", street=street, community=community
    )
    client = client_for(community_staff)

    change = reverse("admin:activities_activitypartner_change", args=[partner.pk])
    moved = client.post(change, {"activity": other.pk, "kind": "other", "name": "伙伴"})
    assert moved.status_code == 403
    partner.refresh_from_db()
    assert partner.activity == activity

    org_change = reverse("admin:communities_socialorganisation_change", args=[organisation.pk])
    assert client.get(org_change).status_code == 200  # view
    assert client.post(org_change, {"name": "改名"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "测试组织"


def test_activities_cannot_be_deleted_in_the_admin_even_by_administrators(admin_user, community):
    from tests.activities.factories import ActivityFactory

    activity = ActivityFactory(community=community)

    response = client_for(admin_user).post(
        reverse("admin:activities_activity_delete", args=[activity.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert type(activity).objects.filter(pk=activity.pk).exists()


def test_a_post_given_in_the_admin_opens_the_admin_site(admin_user, resident, street):
    response = client_for(admin_user).post(
        reverse("admin:communities_staffassignment_add"),
        {"user": resident.pk, "street": street.pk, "community": "", "role": "staff", "title": ""},
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.is_staff
