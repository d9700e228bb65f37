"""The dashboards' additive figures, kept per unit and local day (``DayFigures``).

A dashboard's figure over a period is the sum of its days, so the dashboards read at most one
summary row per day of the period instead of every activity, booking or care log behind it
(docs/performance.md). Each ``Source`` says which rows count, how they reach a community and a
street, which date places them on a day and what each of its columns adds up — the counting
rules of docs/dashboards.md live here.

The rows are kept in the transaction of every write of what they count: a receiver on each
model a source reads (``TRIGGERS``) recomputes the columns of that source for the unit-days the
written row was on before and is on after. Recomputing from the rows, not adding deltas, keeps a
day right whatever wrote it; the summary row is locked first and the rows read in the next
statement, so of two writers on the same day the second counts the first's rows. The one
exception is the signup counters: their save moves the day's places by the difference
(``Trigger.moves``), one UPDATE. A row whose unit other rows take as theirs (a station, a
donation: ``CARRIERS``) moves their days when it moves. Writes that bypass signals
(``QuerySet.update``) call ``refresh_rows`` or ``updating`` themselves; bulk loads (the seeds)
call ``rebuild``, as does ``manage.py refresh_day_figures``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from activities.models import Activity
from activities.models.core import force_count
from services.models import Booking, JobSeeker
from volunteers.models import ServiceRecord

#: A unit-day: (community id or None for a street's own work, street id, local day).
Key = tuple[int | None, int, datetime.date]

#: Activities a dashboard never counts (the column "cancelled" counts the cancelled ones).
NOT_COUNTED = (Activity.Status.DRAFT, Activity.Status.CANCELLED)
VERIFIED, PENDING_RECORD = ServiceRecord.Status.VERIFIED, ServiceRecord.Status.PENDING


AS = "figure_"  # prefix of the aggregates' names in a query


@dataclass(frozen=True)
class Source:
    model: str  # "app_label.ModelName" of the rows
    rows: Callable[[models.QuerySet], models.QuerySet]  # the rows that count
    community: str  # lookup from a row to its community's id
    street: str  # lookup from a row to its street's id
    day: str  # the date or date-time that places a row on a (local) day
    columns: dict[str, Callable[[], models.Aggregate]]

    def aggregates(self) -> dict[str, models.Aggregate]:
        """The columns' aggregates under names no field of the rows has (``capacity`` is
        both a column and a field of an activity)."""
        return {f"{AS}{column}": make() for column, make in self.columns.items()}

    def queryset(self, registry=apps) -> models.QuerySet:
        return self.rows(registry.get_model(self.model)._default_manager.all())

    def day_expression(self, registry=apps):
        target = registry.get_model(self.model)._meta
        for part in self.day.split("__")[:-1]:
            target = target.get_field(part).related_model._meta
        if isinstance(target.get_field(self.day.split("__")[-1]), models.DateTimeField):
            return TruncDate(self.day, tzinfo=timezone.get_default_timezone())
        return F(self.day)

    def on(self, key: Key) -> models.QuerySet:
        """The rows of one unit-day."""
        community, street, day = key
        unit = (
            {self.community: community}
            if community
            else {
                f"{self.community}__isnull": True,
                self.street: street,
            }
        )
        return self.queryset().filter(**unit, **_day_filter(self, day))


def _day_filter(source: Source, day: datetime.date) -> dict:
    if isinstance(source.day_expression(), F):
        return {source.day: day}
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return {f"{source.day}__gte": start, f"{source.day}__lt": start + datetime.timedelta(days=1)}


def _activities(rows):
    return rows.exclude(status__in=NOT_COUNTED)


def _counted(condition: Q | None = None) -> Callable[[], models.Aggregate]:
    """Counted activities (neither drafts nor cancelled) meeting ``condition``."""
    condition = ~Q(status__in=NOT_COUNTED) & (condition or Q())
    return lambda: Count("pk", filter=condition)


def _counted_sum(column: str, condition: Q | None = None) -> Callable[[], models.Aggregate]:
    condition = ~Q(status__in=NOT_COUNTED) & (condition or Q())
    return lambda: Sum(column, filter=condition)


BOOKING_DONE, HOME = Q(status=Booking.Status.DONE), Q(home_visit=True)

SOURCES: dict[str, Source] = {
    "activity": Source(
        "activities.Activity",
        lambda rows: rows.exclude(status=Activity.Status.DRAFT).alias(forces=force_count()),
        community="community",
        street="street",
        day="starts_at",
        columns={
            "activities": _counted(),
            "completed": _counted(Q(status=Activity.Status.COMPLETED) & ~Q(report="")),
            "cancelled": lambda: Count("pk", filter=Q(status=Activity.Status.CANCELLED)),
            "signed_up": _counted_sum("places_taken"),
            "capacity": _counted_sum("capacity", Q(capacity__isnull=False)),
            "capped_taken": _counted_sum("places_taken", Q(capacity__isnull=False)),
            "attendance": _counted_sum("attendance"),
            "linked_three": _counted(Q(forces__gte=3)),
            "with_organisation": _counted(Q(has_organisation=True)),
            "with_social_worker": _counted(Q(has_social_worker=True)),
            "with_volunteers": _counted(Q(has_volunteers=True)),
            "with_charity": _counted(Q(has_charity=True)),
        },
    ),
    "checked_in": Source(
        "activities.Signup",
        lambda rows: rows.filter(checked_in_at__isnull=False).exclude(
            activity__status__in=NOT_COUNTED
        ),
        community="activity__community",
        street="activity__street",
        day="activity__starts_at",
        columns={"checked_in": lambda: Sum("party_size")},
    ),
    "service": Source(
        "volunteers.ServiceRecord",
        lambda rows: rows.filter(status__in=[VERIFIED, PENDING_RECORD]),
        community="community",
        street="street",
        day="served_on",
        columns={
            "volunteer_hours": lambda: Sum("hours", filter=Q(status=VERIFIED)),
            "records_pending": lambda: Count("pk", filter=Q(status=PENDING_RECORD)),
        },
    ),
    "received": Source(
        "communities.CharitableResource",
        lambda rows: rows,
        community="community",
        street="street",
        day="received_on",
        columns={
            "resources_received": lambda: Count("pk"),
            "resources_value": lambda: Sum("value"),
        },
    ),
    "allocated": Source(
        "communities.ResourceAllocation",
        lambda rows: rows.filter(released_at__isnull=True),
        community="resource__community",
        street="resource__street",
        day="allocated_at",
        columns={"allocated_value": lambda: Sum("value"), "allocations": lambda: Count("pk")},
    ),
    "bookings": Source(
        "services.Booking",
        lambda rows: rows.exclude(status=Booking.Status.CANCELLED),
        community="slot__item__provider__station__community",
        street="slot__item__provider__station__community__street",
        day="slot__starts_at",
        columns={
            "bookings": lambda: Count("pk"),
            "bookings_done": lambda: Count("pk", filter=BOOKING_DONE),
            "home_visits": lambda: Count("pk", filter=HOME),
            "home_visits_done": lambda: Count("pk", filter=HOME & BOOKING_DONE),
        },
    ),
    "seekers_registered": Source(
        "services.JobSeeker",
        lambda rows: rows,
        community="station__community",
        street="station__community__street",
        day="registered_at",
        columns={"seekers_registered": lambda: Count("pk")},
    ),
    "seekers_employed": Source(
        "services.JobSeeker",
        lambda rows: rows.filter(status=JobSeeker.Status.EMPLOYED, employed_at__isnull=False),
        community="station__community",
        street="station__community__street",
        day="employed_at",
        columns={"seekers_employed": lambda: Count("pk")},
    ),
    "referrals": Source(
        "services.Referral",
        lambda rows: rows,
        community="seeker__station__community",
        street="seeker__station__community__street",
        day="referred_at",
        columns={"referrals": lambda: Count("pk")},
    ),
    "adoptions": Source(
        "activities.TreeAdoption",
        lambda rows: rows,
        community="tree__community",
        street="tree__community__street",
        day="started_at",
        columns={"adoptions_started": lambda: Count("pk")},
    ),
    "care_logs": Source(
        "activities.CareLog",
        lambda rows: rows,
        community="community",
        street="community__street",
        day="logged_at",
        columns={"care_logs": lambda: Count("pk")},
    ),
}

#: Every summary column, from the sources (the model has the same fields: checked at import
#: of the tests, ``test_daily``).
COLUMNS = [column for source in SOURCES.values() for column in source.columns]


@dataclass(frozen=True)
class Trigger:
    """A write of ``model`` that can change ``source``'s columns. ``via`` is the lookup from
    ``model`` to the source's rows' own fields (``activity__`` stripped for an activity
    triggering its signups' source); ``fields`` the model's fields whose change matters (a
    save whose ``update_fields`` names none of them is ignored); ``new_counts`` whether a
    new row can count at once."""

    model: str
    source: str
    fields: frozenset[str]
    via: str = ""
    new_counts: Callable[[models.Model], bool] = field(default=lambda instance: True)
    #: For a save that can be told as column changes without counting again (the signup
    #: counters): ``{column: change}``, or None to count the day again.
    moves: Callable[[models.Model, object], dict[str, int] | None] | None = None

    def paths(self) -> tuple[str, str, str]:
        source = SOURCES[self.source]
        return tuple(
            path.removeprefix(self.via) for path in (source.community, source.street, source.day)
        )

    def key_fields(self) -> set[str]:
        """The model's own fields a key is read through."""
        return {path.split("__")[0] for path in self.paths()}


ACTIVITY_FIELDS = frozenset(
    {
        "status",
        "report",
        "places_taken",
        "capacity",
        "attendance",
        "starts_at",
        "community",
        "street",
        "has_organisation",
        "has_social_worker",
        "has_volunteers",
        "has_charity",
    }
)
COUNTERS = {"places_taken", "waitlist_count", "updated_at"}


def _places_moved(activity, update_fields) -> dict[str, int] | None:
    """A signup, a cancellation or a promotion saves only the counters: the day's places move
    by what the activity's did since it was read (under the signup's row lock)."""
    if update_fields is None or not set(update_fields) <= COUNTERS:
        return None
    read = getattr(activity, "places_read", None)
    if read is None:
        return None
    if activity.status in NOT_COUNTED:
        return {}
    moved = activity.places_taken - read
    return {"signed_up": moved, "capped_taken": moved if activity.capacity is not None else 0}


TRIGGERS = (
    Trigger(
        "activities.Activity",
        "activity",
        ACTIVITY_FIELDS,
        new_counts=lambda activity: activity.status != Activity.Status.DRAFT,
        moves=_places_moved,
    ),
    Trigger(
        "activities.Activity",
        "checked_in",
        frozenset({"status", "starts_at", "community", "street"}),
        via="activity__",
        new_counts=lambda activity: False,  # nobody has checked in to a new activity
    ),
    Trigger(
        "activities.Signup",
        "checked_in",
        frozenset({"checked_in_at", "party_size", "activity"}),
        new_counts=lambda signup: signup.checked_in_at is not None,
    ),
    Trigger(
        "volunteers.ServiceRecord",
        "service",
        frozenset({"status", "hours", "served_on", "community", "street"}),
    ),
    Trigger(
        "communities.CharitableResource",
        "received",
        frozenset({"value", "received_on", "community", "street"}),
    ),
    Trigger(
        "communities.ResourceAllocation",
        "allocated",
        frozenset({"value", "released_at", "resource", "allocated_at"}),
    ),
    Trigger("services.Booking", "bookings", frozenset({"status", "home_visit", "slot", "item"})),
    Trigger("services.JobSeeker", "seekers_registered", frozenset({"station", "registered_at"})),
    Trigger(
        "services.JobSeeker",
        "seekers_employed",
        frozenset({"station", "status", "employed_at"}),
        new_counts=lambda seeker: seeker.employed_at is not None,
    ),
    Trigger("services.Referral", "referrals", frozenset({"seeker", "referred_at"})),
    Trigger("activities.TreeAdoption", "adoptions", frozenset({"tree", "started_at"})),
    Trigger("activities.CareLog", "care_logs", frozenset({"community", "logged_at"})),
)


@dataclass(frozen=True)
class Carrier:
    """A row whose unit other counted rows take as theirs (a station for its bookings and job
    seekers, a donation for its allocations): moving it to another unit moves their days."""

    model: str
    fields: tuple[str, ...]  # its unit fields
    reaches: dict[str, str]  # source → lookup from the source's rows to this model


CARRIERS = (
    Carrier(
        "services.ServiceStation",
        ("community",),
        {
            "bookings": "slot__item__provider__station",
            "seekers_registered": "station",
            "seekers_employed": "station",
            "referrals": "seeker__station",
        },
    ),
    Carrier("communities.CharitableResource", ("community", "street"), {"allocated": "resource"}),
)


def _carried_keys(carrier: Carrier, pk: int) -> dict[str, set[Key]]:
    keys = {}
    for name, lookup in carrier.reaches.items():
        source = SOURCES[name]
        rows = (
            source.queryset()
            .filter(**{lookup: pk})
            .annotate(_day=source.day_expression())
            .values_list(source.community, source.street, "_day")
            .distinct()
        )
        keys[name] = {_key(*row) for row in rows if row[1] is not None and row[2] is not None}
    return keys


def _carrier_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    carrier = next(c for c in CARRIERS if c.model == sender._meta.label)
    names = _names(sender, update_fields)
    if names is not None and not names & set(carrier.fields):
        return
    attnames = [sender._meta.get_field(name).attname for name in carrier.fields]
    old = sender._default_manager.filter(pk=instance.pk).values_list(*attnames).first()
    if old is not None and old != tuple(getattr(instance, name) for name in attnames):
        setattr(instance, CARRIED, _carried_keys(carrier, instance.pk))


def _carrier_after(sender, instance, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop(CARRIED, None)
    if raw or before is None:
        return
    carrier = next(c for c in CARRIERS if c.model == sender._meta.label)
    for name, keys in _carried_keys(carrier, instance.pk).items():
        refresh(name, before[name] | keys)


def _community_before(sender, instance, raw=False, **kwargs) -> None:
    if not raw and instance.pk is not None and not instance._state.adding:
        old = sender._default_manager.filter(pk=instance.pk).values_list("street_id").first()
        instance.__dict__["_day_figures_street"] = old[0] if old else None


def _community_after(sender, instance, raw=False, **kwargs) -> None:
    """A community moved to another street takes its day rows along."""
    from governance_portal.models import DayFigures

    old = instance.__dict__.pop("_day_figures_street", None)
    if not raw and old is not None and old != instance.street_id:
        DayFigures.objects.filter(community=instance).update(street_id=instance.street_id)


def _key(community, street, when) -> Key:
    if isinstance(when, datetime.datetime):  # the local day, as ``day_expression`` has it
        when = timezone.localtime(when, timezone.get_default_timezone()).date()
    return (community, street, when)


def keys_of(trigger: Trigger, pks: Iterable[int]) -> set[Key]:
    """The unit-days rows ``pks`` of the trigger's model are on, read from the database."""
    community, street, day = trigger.paths()
    model = apps.get_model(trigger.model)
    rows = model._default_manager.filter(pk__in=list(pks)).values_list(community, street, day)
    return {_key(*row) for row in rows if row[1] is not None and row[2] is not None}


def _key_of_instance(trigger: Trigger, instance) -> set[Key]:
    """The unit-day of a saved instance: from its own fields when they hold it (an activity:
    no query), else from the database."""
    paths = trigger.paths()
    if any("__" in path for path in paths):
        return keys_of(trigger, [instance.pk])
    community, street, day = (getattr(instance, instance._meta.get_field(p).attname) for p in paths)
    return {_key(community, street, day)} if street is not None and day is not None else set()


def refresh(source_name: str, keys: Iterable[Key]) -> None:
    """Recompute ``source_name``'s columns of these unit-days from the rows they count."""
    from governance_portal.models import DayFigures

    source = SOURCES[source_name]
    ordered = sorted(set(keys), key=lambda key: (key[0] or 0, key[1], key[2]))
    with transaction.atomic(savepoint=False):
        for key in ordered:
            community, street, day = key
            # The lock first: a writer on the same day waits here, then reads its rows after
            # the other's commit (a fresh snapshot per statement under READ COMMITTED).
            unit = {"community_id": community} if community else {"street_id": street}
            row, _created = DayFigures.objects.select_for_update().get_or_create(
                **unit,
                **({} if community else {"community_id": None}),
                day=day,
                defaults={"street_id": street},
            )
            totals = source.on(key).aggregate(**source.aggregates())
            DayFigures.objects.filter(pk=row.pk).update(
                **{column: totals[f"{AS}{column}"] or 0 for column in source.columns}
            )


def _day_row(key: Key) -> models.QuerySet:
    from governance_portal.models import DayFigures

    community, street, day = key
    if community:
        return DayFigures.objects.filter(community_id=community, day=day)
    return DayFigures.objects.filter(community__isnull=True, street_id=street, day=day)


def move(source_name: str, keys: Iterable[Key], changes: dict[str, int]) -> None:
    """Add ``changes`` to these unit-days' columns in one UPDATE each (safe beside other
    writers: the row is read again under its lock); a day without a row is counted."""
    changes = {column: change for column, change in changes.items() if change}
    for key in keys if changes else ():
        added = _day_row(key).update(**{c: F(c) + change for c, change in changes.items()})
        if not added:
            refresh(source_name, [key])


def _triggers(model: str, sources: set[str] | None) -> list[Trigger]:
    return [t for t in TRIGGERS if t.model == model and (sources is None or t.source in sources)]


def refresh_rows(model: str, pks: Iterable[int], sources: set[str] | None = None) -> None:
    """For writes that bypass signals and move no row to another day: recompute what rows
    ``pks`` of ``model`` count in (all the sources the model feeds, or only ``sources``)."""
    pks = list(pks)
    for trigger in _triggers(model, sources) if pks else []:
        refresh(trigger.source, keys_of(trigger, pks))


@contextmanager
def updating(model: str, pks: Iterable[int]):
    """Around a ``QuerySet.update`` of rows ``pks`` of ``model`` that may move them to another
    day or unit (a back-dated record): the days they were on and the days they are on after."""
    pks = list(pks)
    triggers = _triggers(model, None)
    before = {trigger.source: keys_of(trigger, pks) for trigger in triggers}
    yield
    for trigger in triggers:
        refresh(trigger.source, before[trigger.source] | keys_of(trigger, pks))


def rebuild(registry=apps, using: str = DEFAULT_DB_ALIAS) -> int:
    """Every summary row again from every row counted (the seeds after a bulk load, the
    migration that made the table, and ``manage.py refresh_day_figures``): a grouped query per
    source. Returns the rows written."""
    DayFigures = registry.get_model("governance_portal", "DayFigures")
    Community = registry.get_model("communities", "Community")
    kept = {f.name for f in DayFigures._meta.fields}  # a migration's model may have fewer

    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":  # no write counts into the rows being replaced
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DayFigures._meta.db_table} IN EXCLUSIVE MODE")
        streets = dict(Community.objects.using(using).values_list("pk", "street_id"))
        days: dict[tuple, dict] = {}
        for source in SOURCES.values():
            grouped = (
                source.queryset(registry)
                .using(using)
                .annotate(_community=F(source.community), _street=F(source.street))
                .annotate(_day=source.day_expression(registry))
                .order_by()
                .values("_community", "_street", "_day")
                .annotate(**source.aggregates())
            )
            for row in grouped:
                community, street, day = row["_community"], row["_street"], row["_day"]
                if street is None or day is None:
                    continue
                # A community's day is one row, under the community's street now.
                key = (
                    (community, streets.get(community, street), day)
                    if community
                    else (
                        None,
                        street,
                        day,
                    )
                )
                values = days.setdefault(key, {})
                for column in source.columns:
                    if column in kept:
                        values[column] = values.get(column, 0) + (row[f"{AS}{column}"] or 0)
        DayFigures.objects.using(using).all().delete()
        DayFigures.objects.using(using).bulk_create(
            (
                DayFigures(community_id=community, street_id=street, day=day, **values)
                for (community, street, day), values in sorted(
                    days.items(), key=lambda item: (item[0][0] or 0, item[0][1], item[0][2])
                )
            ),
            batch_size=2000,
        )
    return len(days)


# Receivers -------------------------------------------------------------------------------------

PENDING = "_day_figures_before"  # the unit-days an instance was on before its save or delete
CARRIED = "_day_figures_carried"  # the unit-days of the rows a moved carrier takes along


def _matters(trigger: Trigger, update_fields) -> bool:
    return update_fields is None or bool(trigger.fields & set(update_fields))


def _names(sender, update_fields) -> set[str] | None:
    """``update_fields`` as field names (``community_id`` → ``community``)."""
    if update_fields is None:
        return None
    return {sender._meta.get_field(name).name for name in update_fields}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    update_fields = _names(sender, update_fields)
    before = {}
    for trigger in _triggers_of(sender):
        fields = trigger.key_fields()
        # The key can only move when a field it is read through is written.
        if update_fields is None or fields & set(update_fields):
            before[trigger.source] = keys_of(trigger, [instance.pk])
    setattr(instance, PENDING, before)


def _after_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    before = instance.__dict__.pop(PENDING, {})
    update_fields = _names(sender, update_fields)
    for trigger in _triggers_of(sender):
        if created and not trigger.new_counts(instance):
            continue
        if not created and not _matters(trigger, update_fields):
            continue
        changes = (
            None if created or trigger.moves is None else trigger.moves(instance, update_fields)
        )
        if changes is not None:
            move(trigger.source, _key_of_instance(trigger, instance), changes)
            continue
        keys = before.get(trigger.source, set()) | _key_of_instance(trigger, instance)
        refresh(trigger.source, keys)


def _before_delete(sender, instance, **kwargs) -> None:
    setattr(
        instance,
        PENDING,
        {t.source: keys_of(t, [instance.pk]) for t in _triggers_of(sender)},
    )


def _after_delete(sender, instance, **kwargs) -> None:
    for source, keys in instance.__dict__.pop(PENDING, {}).items():
        refresh(source, keys)


def _triggers_of(model) -> list[Trigger]:
    return [t for t in TRIGGERS if t.model == model._meta.label]


def connect() -> None:
    for carrier in CARRIERS:
        model, uid = apps.get_model(carrier.model), f"day_figures:carrier:{carrier.model}"
        pre_save.connect(_carrier_before, sender=model, dispatch_uid=f"{uid}:pre_save")
        post_save.connect(_carrier_after, sender=model, dispatch_uid=f"{uid}:post_save")
    community = apps.get_model("communities", "Community")
    pre_save.connect(_community_before, sender=community, dispatch_uid="day_figures:community:pre")
    post_save.connect(_community_after, sender=community, dispatch_uid="day_figures:community")
    for label in {trigger.model for trigger in TRIGGERS}:
        model = apps.get_model(label)
        uid = f"day_figures:{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post_save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}:pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:post_delete")
