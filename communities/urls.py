from django.urls import path

from communities.views import forces, places, special_groups

app_name = "communities"

urlpatterns = [
    path("streets/", places.StreetListView.as_view(), name="street_list"),
    path("streets/<int:pk>/", places.StreetDetailView.as_view(), name="street_detail"),
    path("communities/<int:pk>/", places.CommunityDetailView.as_view(), name="community_detail"),
    path("accounts/register/", places.ResidentRegisterView.as_view(), name="resident_register"),
    # Staff workspace
    path("manage/communities/", places.CommunityListView.as_view(), name="community_list"),
    path(
        "manage/communities/<int:pk>/",
        places.CommunityManageView.as_view(),
        name="community_manage",
    ),
    path(
        "manage/communities/<int:pk>/edit/",
        places.CommunityUpdateView.as_view(),
        name="community_update",
    ),
    path(
        "manage/communities/<int:community_pk>/compounds/new/",
        places.CompoundCreateView.as_view(),
        name="compound_create",
    ),
    path(
        "manage/compounds/<int:pk>/edit/",
        places.CompoundUpdateView.as_view(),
        name="compound_update",
    ),
    path(
        "manage/communities/<int:community_pk>/residents/",
        places.ResidentListView.as_view(),
        name="resident_list",
    ),
    path("manage/streets/<int:pk>/edit/", places.StreetUpdateView.as_view(), name="street_update"),
    path(
        "manage/people/<int:user_pk>/phone/",
        places.PhoneRevealView.as_view(),
        name="phone_reveal",
    ),
    path(
        "manage/residents/<int:pk>/password/",
        places.ResidentPasswordSetView.as_view(),
        name="resident_password_set",
    ),
]

urlpatterns += [
    # The five forces: public
    path("organisations/", forces.OrganisationDirectoryView.as_view(), name="organisation_list"),
    path(
        "organisations/<int:pk>/",
        forces.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("resources/", forces.ResourcePublicView.as_view(), name="resource_public"),
    # The five forces: staff
    path(
        "manage/organisations/",
        forces.OrganisationManageListView.as_view(),
        name="organisation_manage_list",
    ),
    path(
        "manage/organisations/new/",
        forces.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        "manage/organisations/<int:pk>/edit/",
        forces.OrganisationUpdateView.as_view(),
        name="organisation_update",
    ),
    path(
        "manage/organisations/<int:pk>/transition/",
        forces.OrganisationTransitionView.as_view(),
        name="organisation_transition",
    ),
    path(
        "manage/organisations/<int:pk>/archive/",
        forces.OrganisationArchiveView.as_view(),
        name="organisation_archive",
    ),
    path("manage/social-workers/", forces.SocialWorkerListView.as_view(), name="socialworker_list"),
    path(
        "manage/social-workers/new/",
        forces.SocialWorkerCreateView.as_view(),
        name="socialworker_create",
    ),
    path(
        "manage/social-workers/<int:pk>/",
        forces.SocialWorkerDetailView.as_view(),
        name="socialworker_detail",
    ),
    path(
        "manage/social-workers/<int:pk>/edit/",
        forces.SocialWorkerUpdateView.as_view(),
        name="socialworker_update",
    ),
    path(
        "manage/social-workers/<int:pk>/archive/",
        forces.SocialWorkerArchiveView.as_view(),
        name="socialworker_archive",
    ),
    path("manage/resources/", forces.ResourceListView.as_view(), name="resource_list"),
    path("manage/resources/new/", forces.ResourceCreateView.as_view(), name="resource_create"),
    path(
        "manage/resources/<int:pk>/edit/",
        forces.ResourceUpdateView.as_view(),
        name="resource_update",
    ),
    path(
        "manage/resources/<int:pk>/archive/",
        forces.ResourceArchiveView.as_view(),
        name="resource_archive",
    ),
    path("manage/outside-units/", forces.OutsideUnitListView.as_view(), name="outsideunit_list"),
    path(
        "manage/outside-units/new/",
        forces.OutsideUnitCreateView.as_view(),
        name="outsideunit_create",
    ),
    path(
        "manage/outside-units/<int:pk>/edit/",
        forces.OutsideUnitUpdateView.as_view(),
        name="outsideunit_update",
    ),
    path(
        "manage/outside-units/<int:pk>/archive/",
        forces.OutsideUnitArchiveView.as_view(),
        name="outsideunit_archive",
    ),
]

urlpatterns += [
    # Special groups (service eligibility), verified by staff
    path(
        "manage/residents/<int:profile_pk>/special-groups/",
        special_groups.SpecialGroupView.as_view(),
        name="special_groups",
    ),
    path(
        "manage/residents/<int:profile_pk>/special-groups/<int:pk>/revoke/",
        special_groups.SpecialGroupRevokeView.as_view(),
        name="special_group_revoke",
    ),
]
