"""iCalendar (RFC 5545) files: one activity, or a resident's personal feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity
from governance_portal.notifications import portal_language

PRODUCT_ID = "-//Pingcheng//Five Forces Portal//ZH"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "")
    )


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets (RFC 5545 §3.1), never splitting a character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def render(
    activities: Iterable[Activity], *, request, name: str, waiting: frozenset[int] = frozenset()
) -> str:
    """``waiting``: ids of activities the resident is only waitlisted for (shown TENTATIVE)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    now = _stamp(timezone.now())
    host = request.get_host()
    for activity in activities:
        url = request.build_absolute_uri(activity.get_absolute_url())
        status = "CANCELLED" if activity.status == Activity.Status.CANCELLED else "CONFIRMED"
        summary = activity.title
        if activity.pk in waiting and status != "CANCELLED":
            status = "TENTATIVE"
            with portal_language():
                summary = _("(waiting list) %(title)s") % {"title": activity.title}
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{activity.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(activity.starts_at)}",
            f"DTEND:{_stamp(activity.ends_at)}",
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape(activity.venue)}",
            f"DESCRIPTION:{_escape(activity.description[:1000] + chr(10) + url)}",
            f"URL:{url}",
            f"STATUS:{status}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
