"""The monthly ledger (台账) of a community or a street: one workbook, a sheet per area.

The sheets, in order: the month's figures (a street's also per community), the activities
counted, volunteer service records, charitable resources received and their use, service-station
bookings, job seekers and job postings, and tree adoptions. Each sheet is one query (the
activities two: their partners are prefetched), whatever the number of rows.

It is the office's internal record, so people are named in full, but mobile numbers are always
masked (``masking.mask_phone``), and residents without a name show their masked login. Cells
are neutralised by ``exports`` when written: a title such as ``=1+1`` never runs as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from activities.models import ActivityPartner, CareLog, Signup, TreeAdoption
from communities.models import CharitableResource, Community, ResourceAllocation
from governance_portal.dashboards.figures import (
    COMMUNITY,
    OWN_PREFIX,
    Figures,
    Row,
    counted_in,
    sections,
    with_figures,
)
from governance_portal.dashboards.periods import Period
from governance_portal.exports import Sheet, neutralise
from governance_portal.masking import mask_phone
from governance_portal.personal_data import mask_login_name
from services.models import Booking, JobPosting, JobSeeker
from volunteers.models import ServiceRecord

#: Between the partners of an activity in one cell.
PARTNER_SEPARATOR = "；"


def filename(level, unit, period) -> str:
    """ASCII only (it goes into the Content-Disposition header): ``ledger-community-12-2026-11``."""
    return f"ledger-{level}-{unit.pk}-{period.start:%Y-%m}"


def sheets(level, unit, period, figures) -> list[Sheet]:
    """The workbook of ``unit`` (a Community for ``level="community"``, else a Street) for the
    month ``period``; ``figures`` are the unit's ``Figures`` for that month."""
    return [
        summary_sheet(level, unit, period, figures),
        activities_sheet(level, unit, period),
        volunteer_hours_sheet(level, unit, period),
        resources_sheet(level, unit, period),
        resource_use_sheet(level, unit, period),
        bookings_sheet(level, unit, period),
        job_seekers_sheet(level, unit, period),
        job_postings_sheet(level, unit, period),
        adoptions_sheet(level, unit, period),
    ]


# --- helpers ---------------------------------------------------------------------------------


def _of_unit(level: str, unit, community: str, street: str) -> dict:
    """The filter that keeps a unit's rows: ``community`` and ``street`` are the lookups from
    the row to its community and to its street."""
    return {community if level == COMMUNITY else street: unit}


def _in_month(field: str, period: Period) -> dict:
    """A datetime field in the month (local midnights)."""
    return {f"{field}__gte": period.start_at, f"{field}__lt": period.end_at}


def _on_days(field: str, period: Period) -> dict:
    """A date field in the month."""
    return {f"{field}__gte": period.start, f"{field}__lte": period.end}


def _person(user) -> str:
    """A person's full name; without one, the login masked like a phone number (residents log
    in with their mobile number)."""
    return user.name or mask_login_name(user.username)


def _day(moment):
    """The local date of a datetime (``None`` stays empty)."""
    return timezone.localdate(moment) if moment else None


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _unit_name(row) -> str:
    """A row's community, or its street's name when it belongs to the whole street."""
    return row.community.name if row.community_id else row.street.name


def _figure(row: Row):
    if row.value is None:
        return "—"
    if row.kind == "percent":
        return f"{row.value}%"
    return row.value


# --- the sheets ------------------------------------------------------------------------------


def summary_sheet(level: str, unit, period: Period, figures: Figures) -> Sheet:
    """The month's figures by area (``figures.sections``). A street's sheet also has a column
    per community and one for its own street-wide work (one query)."""
    columns: list[Figures] = [figures]
    if level == COMMUNITY:
        header = [_("Figure"), _("Value")]
        top = [
            [_("Street"), unit.street.name],
            [_("Community"), unit.name],
        ]
    else:
        communities = list(
            with_figures(
                Community.objects.filter(street=unit).order_by("name", "pk"),
                level=COMMUNITY,
                period=period,
            )
        )
        per_community = [Figures.of(community) for community in communities]
        columns += per_community + [Figures.of(unit, OWN_PREFIX)]
        # Names are data: neutralised here because headers are written as they are.
        header = [
            _("Figure"),
            _("Total"),
            *(neutralise(community.name) for community in communities),
            _("Street-wide (organised by the street)"),
        ]
        top = [[_("Street"), unit.name]]
    rows = [*top, [_("Month"), period.label]]
    by_column = [sections(one) for one in columns]
    for index, section in enumerate(by_column[0]):
        rows.append([section.title])
        for position, row in enumerate(section.rows):
            rows.append(
                [row.label, *(_figure(column[index].rows[position]) for column in by_column)]
            )
    return Sheet(_("Summary"), header, rows)


def activities_sheet(level: str, unit, period: Period) -> Sheet:
    """Every activity counted in the month (``figures.counted_in``), by start."""
    checked_in = (
        Signup.objects.filter(activity=OuterRef("pk"), checked_in_at__isnull=False)
        .order_by()
        .values("activity")
        .annotate(total=Sum("party_size"))
        .values("total")
    )
    activities = (
        counted_in(level, unit.pk, period)
        .with_forces()
        .annotate(
            checked_in=Coalesce(Subquery(checked_in, output_field=models.IntegerField()), Value(0))
        )
        .select_related("community", "street")
        .prefetch_related(Prefetch("partners", queryset=ActivityPartner.objects.order_by("pk")))
        .order_by("starts_at", "pk")
    )
    header = [
        _("Starts at"),
        _("Activity"),
        _("Kind"),
        _("Community"),
        _("Venue"),
        _("Status"),
        _("Places"),
        _("Signed up"),
        _("People checked in"),
        _("Attendance"),
        _("Partners"),
        _("Forces linked (of five)"),
    ]
    rows = [
        [
            activity.starts_at,
            activity.title,
            activity.get_kind_display(),
            _unit_name(activity),
            activity.venue,
            activity.get_status_display(),
            activity.capacity,
            activity.places_taken,
            activity.checked_in,
            activity.attendance,
            PARTNER_SEPARATOR.join(
                f"{partner.name}（{partner.get_kind_display()}）"
                for partner in activity.partners.all()
            ),
            activity.force_count,
        ]
        for activity in activities
    ]
    return Sheet(_("Activities"), header, rows)


def volunteer_hours_sheet(level: str, unit, period: Period) -> Sheet:
    """The service records organised by the unit and served in the month, whatever their
    status (the summary counts the verified hours)."""
    records = (
        ServiceRecord.objects.filter(
            **_of_unit(level, unit, "community", "street"), **_on_days("served_on", period)
        )
        .select_related("volunteer__user", "community", "street")
        .order_by("served_on", "pk")
    )
    header = [
        _("Date of service"),
        _("Community"),
        _("Volunteer"),
        _("Mobile number"),
        _("Service"),
        _("Organiser"),
        _("Hours"),
        _("Status"),
    ]

    def rows() -> Iterator[list]:
        for record in records.iterator(chunk_size=500):
            user = record.volunteer.user
            yield [
                record.served_on,
                _unit_name(record),
                _person(user),
                mask_phone(user.phone),
                record.title,
                record.organiser,
                record.hours,
                record.get_status_display(),
            ]

    return Sheet(_("Volunteer hours"), header, rows())


def resources_sheet(level: str, unit, period: Period) -> Sheet:
    """Charitable resources received in the month, with the donor's full name (there is no
    donor phone to leak)."""
    resources = (
        CharitableResource.objects.filter(
            **_of_unit(level, unit, "community", "street"), **_on_days("received_on", period)
        )
        .select_related("community", "street")
        .order_by("received_on", "pk")
    )
    header = [
        _("Received on"),
        _("Community"),
        _("Donor"),
        _("Donor type"),
        _("Kind"),
        _("What was given"),
        _("Value (CNY)"),
        _("Quantity"),
        _("Unit"),
        _("Anonymous in public notices"),
    ]
    rows = (
        [
            resource.received_on,
            _unit_name(resource),
            resource.donor_name,
            resource.get_donor_kind_display(),
            resource.get_kind_display(),
            resource.description,
            resource.value,
            resource.quantity,
            resource.unit,
            _yes_no(resource.anonymous),
        ]
        for resource in resources.iterator(chunk_size=500)
    )
    return Sheet(_("Charitable resources"), header, rows)


def resource_use_sheet(level: str, unit, period: Period) -> Sheet:
    """Allocations made in the month from the unit's resources, released ones too (marked)."""
    allocations = (
        ResourceAllocation.objects.filter(
            **_of_unit(level, unit, "resource__community", "resource__street"),
            **_in_month("allocated_at", period),
        )
        .select_related("resource", "activity")
        .order_by("allocated_at", "pk")
    )
    header = [
        _("Date"),
        _("Charitable resource"),
        _("Donor"),
        _("Activity"),
        _("Value (CNY)"),
        _("Note"),
        _("Released"),
    ]
    rows = (
        [
            _day(allocation.allocated_at),
            allocation.resource.description,
            allocation.resource.donor_name,
            allocation.activity.title,
            allocation.value,
            allocation.note,
            _yes_no(allocation.released_at is not None),
        ]
        for allocation in allocations.iterator(chunk_size=500)
    )
    return Sheet(_("Resource use"), header, rows)


def bookings_sheet(level: str, unit, period: Period) -> Sheet:
    """Bookings at the unit's service stations whose time slot starts in the month, cancelled
    ones too (their status says so)."""
    bookings = (
        Booking.objects.filter(
            **_of_unit(
                level,
                unit,
                "item__provider__station__community",
                "item__provider__station__community__street",
            ),
            **_in_month("slot__starts_at", period),
        )
        .select_related("slot", "item__provider__station__community", "resident")
        .order_by("slot__starts_at", "pk")
    )
    header = [
        _("Time"),
        _("Community"),
        _("Service station"),
        _("Provider"),
        _("Service"),
        _("Resident"),
        _("Mobile number"),
        _("Home visit"),
        _("Status"),
        _("Price (CNY)"),
    ]
    rows = (
        [
            booking.slot.starts_at,
            booking.item.provider.station.community.name,
            booking.item.provider.station.name,
            booking.item.provider.name,
            booking.item.name,
            _person(booking.resident),
            mask_phone(booking.resident.phone),
            _yes_no(booking.home_visit),
            booking.get_status_display(),
            booking.price,
        ]
        for booking in bookings.iterator(chunk_size=500)
    )
    return Sheet(_("Convenience services"), header, rows)


def job_seekers_sheet(level: str, unit, period: Period) -> Sheet:
    """Job seekers of the unit's stations registered or employed in the month."""
    seekers = (
        JobSeeker.objects.filter(
            **_of_unit(level, unit, "station__community", "station__community__street")
        )
        .filter(Q(**_in_month("registered_at", period)) | Q(**_in_month("employed_at", period)))
        .select_related("station__community")
        .order_by("registered_at", "pk")
    )
    header = [
        _("Registered on"),
        _("Community"),
        _("Service station"),
        _("Full name"),
        _("Mobile number"),
        _("Age"),
        _("Work wanted"),
        _("Skills"),
        _("Status"),
        _("Employed on"),
    ]
    rows = (
        [
            _day(seeker.registered_at),
            seeker.station.community.name,
            seeker.station.name,
            seeker.name,
            mask_phone(seeker.phone),
            seeker.get_age_band_display(),
            seeker.wished_work,
            seeker.skills,
            seeker.get_status_display(),
            _day(seeker.employed_at),
        ]
        for seeker in seekers.iterator(chunk_size=500)
    )
    return Sheet(_("Job seekers"), header, rows)


def job_postings_sheet(level: str, unit, period: Period) -> Sheet:
    """Job postings the unit's stations published in the month."""
    postings = (
        JobPosting.objects.filter(
            **_of_unit(level, unit, "station__community", "station__community__street"),
            **_in_month("created_at", period),
        )
        .select_related("station__community")
        .order_by("created_at", "pk")
    )
    header = [
        _("Published on"),
        _("Community"),
        _("Service station"),
        _("Job"),
        _("Employer"),
        _("Pay from (CNY)"),
        _("Pay up to (CNY)"),
        _("Pay per"),
        _("Place of work"),
        _("Open until"),
        pgettext("posting", "Withdrawn"),
    ]
    rows = (
        [
            _day(posting.created_at),
            posting.station.community.name,
            posting.station.name,
            posting.title,
            posting.employer,
            posting.pay_min,
            posting.pay_max,
            posting.get_pay_unit_display(),
            posting.place,
            posting.expires_on,
            _yes_no(posting.withdrawn),
        ]
        for posting in postings.iterator(chunk_size=500)
    )
    return Sheet(_("Job postings"), header, rows)


def adoptions_sheet(level: str, unit, period: Period) -> Sheet:
    """Tree adoptions started in the month, with the care logged for the tree in the month."""
    care = (
        CareLog.objects.filter(tree=OuterRef("tree"), **_in_month("logged_at", period))
        .order_by()
        .values("tree")
        .annotate(count=Count("pk"))
        .values("count")
    )
    adoptions = (
        TreeAdoption.objects.filter(
            **_of_unit(level, unit, "tree__community", "tree__community__street"),
            **_in_month("started_at", period),
        )
        .annotate(
            care_in_month=Coalesce(Subquery(care, output_field=models.IntegerField()), Value(0))
        )
        .select_related("tree__community", "adopter")
        .order_by("started_at", "pk")
    )
    header = [
        _("Adopted on"),
        _("Community"),
        _("Tree"),
        _("Species"),
        _("Spot"),
        _("Adopter"),
        _("Mobile number"),
        _("Name on the tag"),
        _("Ended on"),
        _("Care logged this month"),
    ]
    rows = (
        [
            _day(adoption.started_at),
            adoption.tree.community.name,
            adoption.tree.name,
            adoption.tree.species,
            adoption.tree.spot,
            _person(adoption.adopter),
            mask_phone(adoption.adopter.phone),
            adoption.tag_name,
            _day(adoption.ended_at),
            adoption.care_in_month,
        ]
        for adoption in adoptions.iterator(chunk_size=500)
    )
    return Sheet(_("Tree adoption"), header, rows)
