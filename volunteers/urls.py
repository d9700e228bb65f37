from django.urls import path

from volunteers.views import manage, public, records, resident, roles

app_name = "volunteers"

urlpatterns = [
    # Public
    path("volunteers/ranking/", public.RankingView.as_view(), name="ranking"),
    path(
        "volunteers/certificates/verify/",
        public.CertificateVerifyView.as_view(),
        name="certificate_verify",
    ),
    path(
        "volunteers/certificates/verify/<str:code>/",
        public.CertificateVerifyView.as_view(),
        name="certificate_verify_code",
    ),
    # Residents and volunteers
    path("volunteers/join/", resident.VolunteerApplyView.as_view(), name="apply"),
    path("me/volunteering/", resident.MyVolunteeringView.as_view(), name="me"),
    path(
        "me/volunteering/ranking-name/",
        resident.RankingNameView.as_view(),
        name="ranking_name",
    ),
    path("me/volunteering/backfill/", resident.BackfillCreateView.as_view(), name="backfill"),
    path("volunteer-roles/<int:pk>/take/", resident.RoleSignupView.as_view(), name="role_take"),
    path(
        "volunteer-roles/signups/<int:pk>/cancel/",
        resident.RoleSignupCancelView.as_view(),
        name="role_cancel",
    ),
    path(
        "volunteers/certificates/<str:code>/",
        resident.CertificateView.as_view(),
        name="certificate",
    ),
    path(
        "volunteers/records/<int:pk>/evidence/",
        records.RecordEvidenceView.as_view(),
        name="record_evidence",
    ),
    # Staff
    path("manage/volunteers/", manage.VolunteerListView.as_view(), name="manage_list"),
    path(
        "manage/volunteers/register/",
        manage.VolunteerDeskRegisterView.as_view(),
        name="desk_register",
    ),
    path("manage/volunteers/<int:pk>/", manage.VolunteerDetailView.as_view(), name="manage_detail"),
    path(
        "manage/volunteers/<int:pk>/edit/",
        manage.VolunteerUpdateView.as_view(),
        name="volunteer_update",
    ),
    path(
        "manage/volunteers/<int:pk>/decide/",
        manage.VolunteerDecideView.as_view(),
        name="volunteer_decide",
    ),
    path(
        "manage/volunteers/<int:pk>/certificate/",
        manage.CertificateIssueView.as_view(),
        name="certificate_issue",
    ),
    path(
        "manage/volunteer-certificates/<int:pk>/revoke/",
        manage.CertificateRevokeView.as_view(),
        name="certificate_revoke",
    ),
    path("manage/volunteer-teams/", manage.TeamListView.as_view(), name="team_list"),
    path("manage/volunteer-teams/new/", manage.TeamCreateView.as_view(), name="team_create"),
    path(
        "manage/volunteer-teams/<int:pk>/edit/",
        manage.TeamUpdateView.as_view(),
        name="team_update",
    ),
    path(
        "manage/streets/<int:pk>/volunteer-stars/",
        manage.StarPolicyView.as_view(),
        name="star_policy",
    ),
    path("manage/volunteer-hours/", records.RecordQueueView.as_view(), name="record_queue"),
    path(
        "manage/volunteer-hours/verify/",
        records.RecordBulkVerifyView.as_view(),
        name="record_bulk_verify",
    ),
    path(
        "manage/volunteer-hours/export/",
        records.HoursExportView.as_view(),
        name="hours_export",
    ),
    path(
        "manage/volunteer-hours/<int:pk>/verify/",
        records.RecordVerifyView.as_view(),
        name="record_verify",
    ),
    path(
        "manage/volunteer-hours/<int:pk>/reject/",
        records.RecordRejectView.as_view(),
        name="record_reject",
    ),
    path(
        "manage/activities/<int:pk>/volunteer-roles/",
        roles.ActivityRolesView.as_view(),
        name="activity_roles",
    ),
    path(
        "manage/volunteer-roles/<int:pk>/edit/",
        roles.RoleUpdateView.as_view(),
        name="role_update",
    ),
    path(
        "manage/volunteer-roles/<int:pk>/delete/",
        roles.RoleDeleteView.as_view(),
        name="role_delete",
    ),
    path(
        "manage/volunteer-roles/<int:pk>/assign/",
        roles.RoleAssignView.as_view(),
        name="role_assign",
    ),
    path(
        "manage/volunteer-roles/signups/<int:pk>/check-in/",
        roles.RoleSignupActionView.as_view(action="check_in"),
        name="role_check_in",
    ),
    path(
        "manage/volunteer-roles/signups/<int:pk>/check-out/",
        roles.RoleSignupActionView.as_view(action="check_out"),
        name="role_check_out",
    ),
    path(
        "manage/volunteer-roles/signups/<int:pk>/cancel/",
        roles.RoleSignupActionView.as_view(action="cancel"),
        name="role_staff_cancel",
    ),
]
