"""Tell users something: an in-portal notification, and an e-mail when they gave an address.

Messages are written in the portal's language (Chinese) whoever triggers them: build the text
inside ``with portal_language():``. E-mails go out after the transaction commits, in one SMTP
connection per batch, and a mail failure never undoes the change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.utils import translation

from governance_portal.models import Notification

logger = logging.getLogger(__name__)


def portal_language():
    return translation.override(settings.LANGUAGE_CODE)


def notify(*, user, message: str, url: str = "") -> Notification:
    return notify_many(users=[user], message=message, url=url)[0]


def notify_many(*, users: Iterable, message: str, url: str = "") -> list[Notification]:
    users = list(users)
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, message=message[:500], url=url) for user in users]
    )
    addresses = [user.email for user in users if user.email]
    if addresses:
        transaction.on_commit(lambda: _mail(addresses, message, url))
    return notifications


def _mail(addresses: list[str], message: str, url: str) -> None:
    link = f"{settings.PORTAL_BASE_URL}{url}" if url.startswith("/") else url
    body = f"{message}\n\n{link}".strip()
    subject = message[:120]
    mails = [(subject, body, None, [address]) for address in addresses]
    try:
        send_mass_mail(mails, fail_silently=False, connection=get_connection())
    except OSError:
        logger.exception("Could not send %d notification e-mails", len(mails))
