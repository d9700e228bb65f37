from django.urls import path

from services.views import bookings

urlpatterns = [
    # Residents
    path(
        "services/items/<int:pk>/book/", bookings.BookingCreateView.as_view(), name="booking_create"
    ),
    path("me/bookings/", bookings.BookingMineView.as_view(), name="booking_mine"),
    path(
        "me/bookings/<int:pk>/cancel/", bookings.BookingCancelView.as_view(), name="booking_cancel"
    ),
    path("me/bookings/<int:pk>/rate/", bookings.BookingRateView.as_view(), name="booking_rate"),
    # Staff
    path("manage/services/bookings/", bookings.BookingDayView.as_view(), name="booking_day"),
    path(
        "manage/services/bookings/<int:pk>/status/",
        bookings.BookingStatusView.as_view(),
        name="booking_status",
    ),
    path(
        "manage/services/items/<int:pk>/desk-book/",
        bookings.BookingDeskView.as_view(),
        name="booking_desk",
    ),
]
