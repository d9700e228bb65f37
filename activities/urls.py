from django.urls import path, register_converter

from activities.parts.clubs.urls import urlpatterns as club_urls
from activities.parts.drills.urls import urlpatterns as drill_urls
from activities.parts.training.urls import urlpatterns as training_urls
from activities.parts.trees.urls import urlpatterns as tree_urls
from activities.views import desk, manage, partners, public, resident
from governance_portal.converters import TokenConverter

register_converter(TokenConverter, "token")

app_name = "activities"

urlpatterns = [
    # Public
    path("activities/", public.ActivityListView.as_view(), name="activity_list"),
    path("activities/<int:pk>/", public.ActivityDetailView.as_view(), name="activity_detail"),
    path(
        "activities/<int:pk>/calendar.ics",
        public.ActivityCalendarView.as_view(),
        name="activity_calendar",
    ),
    path("news/", public.NewsFeedView.as_view(), name="news_list"),
    path("calendar/<token:token>.ics", resident.CalendarFeedView.as_view(), name="calendar_feed"),
    # Residents
    path("activities/<int:pk>/signup/", resident.SignupCreateView.as_view(), name="signup_create"),
    path("signups/<int:pk>/cancel/", resident.SignupCancelView.as_view(), name="signup_cancel"),
    path(
        "activities/<int:pk>/checkin/<token:token>/",
        resident.SelfCheckinView.as_view(),
        name="self_checkin",
    ),
    path("me/", resident.MyPageView.as_view(), name="me"),
    path("me/data/", resident.MyDataView.as_view(), name="my_data"),
    path(
        "me/notifications/read/",
        resident.NotificationsReadView.as_view(),
        name="notifications_read",
    ),
    path(
        "me/calendar/reset/",
        resident.CalendarTokenResetView.as_view(),
        name="calendar_token_reset",
    ),
    # Staff
    path("manage/activities/", manage.ManageActivityListView.as_view(), name="manage_list"),
    path("manage/activities/new/", manage.ActivityCreateView.as_view(), name="activity_create"),
    path(
        "manage/activities/<int:pk>/",
        manage.ActivityManageView.as_view(),
        name="activity_manage",
    ),
    path(
        "manage/activities/<int:pk>/edit/",
        manage.ActivityUpdateView.as_view(),
        name="activity_update",
    ),
    path(
        "manage/activities/<int:pk>/publish/",
        manage.ActivityPublishView.as_view(),
        name="activity_publish",
    ),
    path(
        "manage/activities/<int:pk>/complete/",
        manage.ActivityCompleteView.as_view(),
        name="activity_complete",
    ),
    path(
        "manage/activities/<int:pk>/cancel/",
        manage.ActivityCancelView.as_view(),
        name="activity_cancel",
    ),
    path(
        "manage/activities/<int:pk>/copy/", manage.ActivityCopyView.as_view(), name="activity_copy"
    ),
    path(
        "manage/activities/<int:pk>/repeat/",
        manage.ActivityRepeatView.as_view(),
        name="activity_repeat",
    ),
    path(
        "manage/activities/<int:pk>/report/",
        manage.ActivityReportView.as_view(),
        name="activity_report",
    ),
    path(
        "manage/activities/<int:pk>/photos/",
        manage.PhotoUploadView.as_view(),
        name="photo_upload",
    ),
    path(
        "manage/activities/<int:pk>/partners/",
        partners.ActivityPartnersView.as_view(),
        name="activity_partners",
    ),
    path(
        "manage/allocations/<int:pk>/release/",
        partners.AllocationReleaseView.as_view(),
        name="allocation_release",
    ),
    path(
        "manage/partners/<int:pk>/remove/",
        partners.PartnerRemoveView.as_view(),
        name="partner_remove",
    ),
    path("manage/photos/<int:pk>/delete/", manage.PhotoDeleteView.as_view(), name="photo_delete"),
    path(
        "manage/activities/<int:pk>/qr.svg",
        manage.ActivityQRCodeView.as_view(),
        name="activity_qr",
    ),
    path(
        "manage/activities/<int:pk>/checkin/",
        desk.CheckinDeskView.as_view(),
        name="checkin_desk",
    ),
    path(
        "manage/activities/<int:pk>/desk-signup/",
        desk.DeskSignupView.as_view(),
        name="desk_signup",
    ),
    path("manage/activities/<int:pk>/walk-in/", desk.WalkInView.as_view(), name="walk_in"),
    path("manage/activities/<int:pk>/sheet/", desk.SignInSheetView.as_view(), name="signin_sheet"),
    path(
        "manage/signups/<int:pk>/attendance/",
        desk.AttendanceMarkView.as_view(),
        name="attendance_mark",
    ),
    path(
        "manage/signups/<int:pk>/cancel/",
        desk.StaffSignupCancelView.as_view(),
        name="staff_signup_cancel",
    ),
]

# The kind-specific parts (activities.kinds): trees, reading clubs, drills, the training base.
urlpatterns += tree_urls + club_urls + drill_urls + training_urls
