"""Building blocks shared by every app: in-portal notifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message for one user, shown on 我的 (and mailed when they gave an e-mail address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # 我的: a user's newest notifications.
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return self.message


class AuditQuerySet(models.QuerySet):
    """The audit log is append-only: rows are never updated, and deleted only by the retention
    purge, which keeps at least ``AUDIT_MIN_RETENTION_DAYS``."""

    def update(self, **kwargs):
        raise PermissionError("The audit log cannot be rewritten.")

    def delete(self):
        raise PermissionError("The audit log cannot be deleted; see purge_expired().")

    def in_scope(self, scope):
        if scope.everything:
            return self
        return self.filter(scope.rows_q())

    def purge_expired(self, *, older_than_days: int) -> int:
        """Delete events older than the retention period (never less than six months)."""
        from datetime import timedelta

        from django.utils import timezone

        if older_than_days < AUDIT_MIN_RETENTION_DAYS:
            raise ValueError(f"Audit events are kept at least {AUDIT_MIN_RETENTION_DAYS} days.")
        cutoff = timezone.now() - timedelta(days=older_than_days)
        deleted, _ = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return deleted


AUDIT_MIN_RETENTION_DAYS = 183


class AuditEvent(models.Model):
    """Who did what, when and from where. Personal values in ``changes`` are masked."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        REVEAL = "reveal", _("Revealed personal data")
        EXPORT = "export", _("Exported")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGIN_LOCKED = "login_locked", _("Login locked")
        LOGIN_UNLOCKED = "login_unlocked", _("Login unlocked")
        BULK = "bulk", _("Changed several")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_repr = models.CharField(_("who (as recorded)"), max_length=150)
    ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # For scoping the log to a staff member's communities; plain ids so that nothing cascades.
    street_id = models.BigIntegerField(null=True, blank=True)
    community_id = models.BigIntegerField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            # Browsing a community's log, newest first.
            models.Index(fields=["community_id", "-at"], name="audit_community_recent"),
            models.Index(fields=["street_id", "-at"], name="audit_street_recent"),
            models.Index(fields=["model", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log cannot be rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log cannot be deleted.")


class LoginThrottle(models.Model):
    """Failed logins for one username from one address; five in a row lock that pair for 30
    minutes (other people in the same office are not affected)."""

    username = models.CharField(_("username"), max_length=150)
    ip = models.GenericIPAddressField(_("address"))
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["username", "ip"], name="governance_portal_loginthrottle_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip}"


def _count(verbose_name):
    return models.IntegerField(verbose_name, default=0)


def _money(verbose_name):
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, default=0)


class DayFigures(models.Model):
    """The dashboards' additive figures of one community — or of a street's own, street-wide
    work (no community) — on one local day, kept in the transaction of every row they count
    (``governance_portal.dashboards.daily``). A month of a community is at most 31 of these
    rows, whatever the data behind them.

    The unit is stored without a database constraint: a cascade deleting a community may
    refresh a day of it before its last rows go, and the orphan row is harmless (nothing
    reaches it; ``manage.py refresh_day_figures`` drops it)."""

    street = models.ForeignKey(
        "communities.Street",
        models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the (street, day) index serves
        related_name="+",
        verbose_name=_("street"),
    )
    community = models.ForeignKey(
        "communities.Community",
        models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the (community, day) index serves
        null=True,
        related_name="+",
        verbose_name=_("community"),
    )
    day = models.DateField(_("day"))
    activities = _count(_("activities"))
    completed = _count(_("completed with a report"))
    cancelled = _count(_("cancelled"))
    signed_up = _count(_("places taken"))
    capacity = _count(_("places offered"))
    capped_taken = _count(_("places taken where places are limited"))
    checked_in = _count(_("checked in"))
    attendance = _count(_("attendance in reports"))
    linked_three = _count(_("activities linking at least three forces"))
    with_organisation = _count(_("with a social organisation"))
    with_social_worker = _count(_("with a social worker"))
    with_volunteers = _count(_("with volunteers"))
    with_charity = _count(_("with charitable resources"))
    volunteer_hours = _money(_("verified volunteer hours"))
    records_pending = _count(_("service records awaiting verification"))
    resources_received = _count(_("resources received"))
    resources_value = _money(_("value received"))
    allocated_value = _money(_("value allocated"))
    allocations = _count(_("allocations to activities"))
    bookings = _count(_("bookings"))
    bookings_done = _count(_("bookings done"))
    home_visits = _count(_("home visits booked"))
    home_visits_done = _count(_("home visits done"))
    seekers_registered = _count(_("job seekers registered"))
    seekers_employed = _count(_("job seekers employed"))
    referrals = _count(_("referrals to employers"))
    adoptions_started = _count(_("adoptions started"))
    care_logs = _count(_("care logged"))

    class Meta:
        verbose_name = _("figures of a day")
        verbose_name_plural = _("figures of days")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day"],
                condition=models.Q(community__isnull=False),
                name="day_figures_community_day",
            ),
            models.UniqueConstraint(
                fields=["street", "day"],
                condition=models.Q(community__isnull=True),
                name="day_figures_street_own_day",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "day"], name="day_figures_community"),
            models.Index(fields=["street", "day"], name="day_figures_street_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.community_id or self.street_id}"
