"""Tell a user something: an in-portal notification, and an e-mail when they gave an address."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from governance_portal.models import Notification

logger = logging.getLogger(__name__)


def notify(*, user, message: str, url: str = "", subject: str = "") -> Notification:
    notification = Notification.objects.create(user=user, message=message, url=url)
    if user.email:
        # After commit: a rolled-back change sends no mail; a mail failure rolls nothing back.
        transaction.on_commit(lambda: _mail(user.email, subject or message, message, url))
    return notification


def _mail(address: str, subject: str, message: str, url: str) -> None:
    link = f"{settings.PORTAL_BASE_URL}{url}" if url.startswith("/") else url
    try:
        send_mail(subject[:120], f"{message}\n\n{link}".strip(), None, [address])
    except OSError:
        logger.exception("Could not send a notification e-mail to a user")
