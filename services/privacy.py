"""A resident's service-station data when their account is anonymised (communities.privacy
calls this): open bookings are cancelled (their places freed) and home-visit addresses cleared,
open produce reservations cancelled (stock returned), job-seeker registrations closed and
emptied of name, phone and free text, special groups revoked. Rows stay for the counts."""

from __future__ import annotations

from django.utils import timezone

from communities.models import SpecialGroup
from governance_portal.dashboards import daily
from services.actions.bookings import booking_close_for_anonymisation
from services.actions.produce import reservation_cancel
from services.models import Booking, JobSeeker, Reservation


def services_anonymise(*, user, name: str) -> None:
    for booking in Booking.objects.filter(resident=user, status__in=Booking.HOLDING):
        booking_close_for_anonymisation(booking=booking)
    # The address goes; a done home visit stays one (the constraint wants an address, so a
    # placeholder stands in).
    Booking.objects.filter(resident=user, home_visit=True).update(address="—")
    Booking.objects.filter(resident=user).update(note="", comment="")
    for reservation in Reservation.objects.filter(
        resident=user, status=Reservation.Status.RESERVED
    ):
        reservation_cancel(reservation=reservation, by=user)
    seekers = list(JobSeeker.objects.filter(user=user).values_list("pk", flat=True))
    JobSeeker.objects.filter(pk__in=seekers).update(
        name=name,
        phone="",
        skills="",
        wished_work="",
        availability="",
        share_consent=False,
        status=JobSeeker.Status.WITHDRAWN,
    )
    daily.refresh_rows("services.JobSeeker", seekers)  # no longer counted as employed
    SpecialGroup.objects.current().filter(resident=user).update(revoked_at=timezone.now())
