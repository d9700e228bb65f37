"""Hostile input through every form: never a 500, always shown escaped, no NUL stored.

Every named URL whose view takes a POST and renders a form on GET is listed in FORM_PAGES with
the personas who use it, and ``valid_payload()`` knows a submission that form accepts; a new
form page without an entry fails ``test_every_form_page_is_listed``. Hypothesis then replaces
each field of that submission with a hostile value (very long text, control characters, emoji
and other astral-plane characters, right-to-left marks, markup, SQL-looking strings, huge,
negative and non-numbers, impossible dates, ids of rows that do not exist, empty values) or
leaves it out. List pages get the same treatment through their filter forms (GET), and the two
photo fields get hostile file names and contents.

Each example runs in a savepoint that is rolled back, so examples do not see each other's rows.
NUL deserves its own tests: PostgreSQL refuses it in text (a DataError, so a 500) while SQLite
stores it silently, so every form must refuse it before it reaches the database.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time, timedelta

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django_filters import FilterSet
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from activities.models import Activity, ActivityPhoto
from communities.models import CharitableResource
from services.actions import bookings as booking_actions
from services.models import TimeSlot
from services.slots import SLOT_FORMAT, local_moment
from tests.activities.factories import ActivityFactory
from tests.conftest import clear_caches, client_for
from tests.factories import PASSWORD, ResidentProfileFactory
from tests.governance_portal import test_url_sweep as sweep
from volunteers.models import Volunteer

# The records the URL sweep uses: one of everything, in ``community``.
world = sweep.world

ANON, RESIDENT, STAFF, STREET = "anonymous", "resident", "community_staff", "street_staff"
# A resident who is an approved volunteer (the ``volunteer`` fixture below): only they may ask
# for past hours to be recorded (补录), so that form is attacked as them.
VOLUNTEER = "volunteer"
# The resident who adopts the world's tree (the ``adopter`` fixture below): only they, and staff
# of the tree's community, may log its care.
ADOPTER = "adopter"
PERSONAS = (ANON, RESIDENT, VOLUNTEER, ADOPTER, STAFF, STREET)
# The same victim resident, as the one who holds the world's bookings (the ``booker`` fixture
# below): only they may rate their own done booking. Not in PERSONAS: the adopter is that user.
BOOKER = "booker"

# Street staff see an extra ``street`` field on the forms of records that may serve a whole
# street, so those forms are attacked as both kinds of staff.
FORM_PAGES: dict[str, tuple[str, ...]] = {
    "login": (ANON,),
    "password_change": (RESIDENT,),
    "password_reset": (ANON,),
    "password_reset_confirm": (ANON,),
    "communities:resident_register": (ANON,),
    "communities:community_update": (STAFF,),
    "communities:street_update": (STREET,),
    "communities:compound_create": (STAFF,),
    "communities:compound_update": (STAFF,),
    "communities:phone_reveal": (STAFF,),
    "communities:resident_password_set": (STAFF,),
    "communities:organisation_create": (STAFF, STREET),
    "communities:organisation_update": (STAFF, STREET),
    "communities:organisation_transition": (STAFF,),
    "communities:socialworker_create": (STAFF, STREET),
    "communities:socialworker_update": (STAFF, STREET),
    "communities:socialworker_detail": (STAFF,),
    "communities:resource_create": (STAFF, STREET),
    "communities:resource_update": (STAFF, STREET),
    "communities:outsideunit_create": (STAFF, STREET),
    "communities:outsideunit_update": (STAFF, STREET),
    "activities:signup_create": (RESIDENT,),
    "activities:my_data": (RESIDENT,),
    "activities:activity_create": (STAFF, STREET),
    "activities:activity_update": (STAFF, STREET),
    "activities:activity_copy": (STAFF,),
    "activities:activity_repeat": (STAFF,),
    "activities:activity_report": (STAFF,),
    "activities:photo_upload": (STAFF,),
    "activities:activity_partners": (STAFF,),
    "activities:desk_signup": (STAFF,),
    "activities:walk_in": (STAFF,),
    # Tree adoption, in the order a tree lives: the care log needs the adopter's adoption, marking
    # the tree lost needs it healthy, and a replaced tree takes no more steps.
    "activities:tree_create": (STAFF,),
    "activities:tree_update": (STAFF,),
    "activities:care_log_create": (ADOPTER, STAFF),
    "activities:tree_adopt": (STAFF,),
    "activities:tree_adoption_end": (STAFF,),
    "activities:tree_mark_lost": (STAFF,),
    "activities:tree_replace": (STAFF,),
    # Reading clubs (the club is never archived here: it would take no more members).
    "activities:club_create": (STAFF,),
    "activities:club_update": (STAFF,),
    "activities:club_member_add": (STAFF,),
    "activities:activity_club": (STAFF,),
    "activities:book_share_update": (STAFF,),
    # Fire drills: the report with its groups and follow-up actions (formsets).
    "activities:drill_report": (STAFF,),
    # The training base (street staff run it). Trainees are added after the attendance form,
    # which needs a mark for every active trainee.
    "activities:programme_create": (STREET,),
    "activities:programme_update": (STREET,),
    "activities:instructor_create": (STREET,),
    "activities:activity_training": (STAFF, STREET),
    "activities:trainee_create": (STREET,),
    "volunteers:apply": (RESIDENT,),
    "volunteers:backfill": (VOLUNTEER,),
    "volunteers:desk_register": (STAFF,),
    "volunteers:volunteer_update": (STAFF,),
    "volunteers:team_create": (STAFF, STREET),
    "volunteers:team_update": (STAFF, STREET),
    "volunteers:star_policy": (STREET,),
    "volunteers:activity_roles": (STAFF,),
    "volunteers:role_update": (STAFF,),
    # Last: rejecting, revoking and cancelling end what the other forms can do with the record,
    # the certificate and the activity (its volunteer roles can no longer be changed).
    "volunteers:record_reject": (STAFF,),
    "volunteers:certificate_revoke": (STAFF,),
    "activities:activity_cancel": (STAFF,),
    # Special groups of the victim resident (80+ already recorded: this adds another group).
    "communities:special_groups": (STAFF,),
    # The service station: stations, providers with their weekly hours (a formset), items.
    "services:station_create": (STAFF,),
    "services:station_update": (STAFF,),
    "services:provider_create": (STAFF,),
    "services:provider_update": (STAFF,),
    "services:item_create": (STAFF,),
    "services:item_update": (STAFF,),
    # Bookings: a resident books online, the desk books for a walk-in resident, the victim rates
    # their done booking (see page_url).
    "services:booking_create": (RESIDENT,),
    "services:booking_desk": (STAFF,),
    "services:booking_rate": (BOOKER,),
    # Farm produce.
    "services:product_create": (STAFF,),
    "services:product_update": (STAFF,),
    "services:product_restock": (STAFF,),
    "services:reservation_create": (RESIDENT,),
    # The job board.
    "services:posting_create": (STAFF,),
    "services:posting_update": (STAFF,),
    "services:seeker_create": (STAFF,),
    "services:seeker_register": (RESIDENT,),
}
# activities:activity_partners holds three forms; a hidden ``form`` field says which is sent.
PARTNER_FORMS = ("registry", "named", "allocation")
# Pages holding several forms: the hidden field that says which one is sent, and the forms each
# persona may send there.
MULTI_FORMS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "activities:activity_partners": ("form", {STAFF: PARTNER_FORMS}),
    # Attach the reading-club activity to its club (the session), then record a shared book.
    "activities:activity_club": ("step", {STAFF: ("session", "share")}),
    # Street staff attach a training activity to a programme (one not attached yet, see
    # page_url) and change its session; staff who manage the activity record attendance.
    "activities:activity_training": (
        "form",
        {STAFF: ("attendance",), STREET: ("attach", "session", "attendance")},
    ),
}
# Forms shown on another page than the URL they are posted to: (that page, the context key).
SHOWN_ON = {"activities:care_log_create": ("activities:tree_public", "care_form")}
# Form pages whose submission also carries formsets (context keys): their management forms and
# rows are attacked too.
FORMSETS = {
    "activities:drill_report": ("groups", "follow_ups"),
    "services:provider_create": ("formset",),  # the provider's weekly working hours
    "services:provider_update": ("formset",),
}

# List pages and their filter forms (GET), with the persona who reads them.
FILTER_PAGES: dict[str, str] = {
    "audit_log": STAFF,
    "communities:resident_list": STAFF,
    "communities:organisation_list": ANON,
    "communities:resource_public": ANON,
    "communities:organisation_manage_list": STAFF,
    "communities:socialworker_list": STAFF,
    "communities:resource_list": STAFF,
    "communities:outsideunit_list": STAFF,
    "activities:activity_list": ANON,
    "activities:manage_list": STAFF,
    "activities:checkin_desk": STAFF,
    "volunteers:manage_list": STAFF,
    "volunteers:record_queue": STAFF,
    "activities:tree_manage_list": STAFF,
    "activities:club_list": ANON,
    "activities:drill_list": STAFF,  # its community picker
    "activities:programme_list": STAFF,
    "services:booking_day": STAFF,
    "services:reservation_product_list": STAFF,
    "services:reservation_station_list": STAFF,
    "services:posting_list": ANON,
    "services:posting_manage_list": STAFF,
    "services:seeker_list": STAFF,
}
# Lists with a second form in the same query string (context key), attacked with the filters.
EXTRA_FILTER_FORMS = {"services:booking_day": ("day_form",)}
PERIOD_PARAMS = ("month", "quarter", "year", "start", "end")
# Pages that read query parameters of their own, outside any form: the persona, the parameters.
QUERY_PARAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "services:led_board": (ANON, ("i",)),  # the screen's index
    "services:booking_create": (RESIDENT, ("day",)),
    "services:booking_desk": (STAFF, ("day",)),
    "services:product_create": (STAFF, ("provider",)),  # the provider to preselect
    # The period of a dashboard or monthly report (governance_portal.dashboards.periods).
    "dashboards:community_dashboard": (STAFF, PERIOD_PARAMS),
    "dashboards:street_dashboard": (STREET, PERIOD_PARAMS),
    "dashboards:community_report": (STAFF, PERIOD_PARAMS),
    "dashboards:street_report": (STREET, PERIOD_PARAMS),
}
# Lists with a second paginated part, and its page parameter.
EXTRA_PAGE_PARAMS = {"activities:drill_list": "actions_page"}
# Registry lists export what they show with ?export=csv|xlsx.
EXPORTING = {
    "communities:organisation_manage_list",
    "communities:socialworker_list",
    "communities:resource_list",
    "communities:outsideunit_list",
}

NEW_PASSWORD = "Quiet-Lantern-42-river"

# --- hostile values --------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# What must never appear in a page as it was typed.
RAW_MARKUP = (b"<script>alert(1)", b"onerror=alert(1)>", b"<svg onload=alert(1)>")

CONTROL = "".join(map(chr, [*range(0x20), 0x7F]))
MARKUP = (
    SCRIPT,
    IMG,
    "<svg onload=alert(1)>",
    "</textarea></title><script>alert(1)</script>",
    "javascript:alert(1)",
    "{{ request.user.password }}{% debug %}",
    "&lt;script&gt;&amp;",
)
SQL = ("' OR '1'='1' --", "1; DROP TABLE communities_user; --", "%' OR 1=1 --", "%_%", "\\")
UNICODE = (
    "😀👨‍👩‍👧‍👦🏳️‍🌈",
    "𠀋𡈽𡌛𪚥",  # CJK extension B: four bytes each in UTF-8
    "\U0010fffd\U000e0001",
    "\u202eevil.exe\u202c",  # right-to-left override
    "\u200f\u200e\u2066\u2069",
    "\ufeff\u200b\u00ad",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "ﷺ𒐫",
)
SPECIAL_TEXT = (
    *MARKUP,
    *SQL,
    *UNICODE,
    "",
    " ",
    "\x00",
    "a\x00b",
    CONTROL,
    "\r\n\r\nSet-Cookie: x=1",
    "%s%n%(name)s{0}",
    "None",
    "null",
)
# Lone surrogates cannot be sent as UTF-8 at all: a browser cannot produce them either.
CHARACTERS = st.characters(exclude_categories=("Cs",))
LONG_TEXT = st.builds(
    lambda piece, length: (piece * (length // len(piece) + 1))[:length],
    st.sampled_from(("x", "中", "😀", SCRIPT, "\x00", "\u202e", "' OR 1=1 -- ")),
    st.integers(min_value=5_000, max_value=20_000),
)
HOSTILE_TEXT = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.lists(
        st.one_of(
            st.sampled_from(SPECIAL_TEXT),
            st.sampled_from(CONTROL),
            st.text(CHARACTERS, max_size=12),
        ),
        min_size=1,
        max_size=5,
    ).map("".join),
    LONG_TEXT,
)
HOSTILE_NUMBERS = st.one_of(
    st.sampled_from(
        (
            "-1",
            "0",
            "-0",
            "1.5",
            "1e999",
            "-1e999",
            "1e-999",
            "9" * 40,
            str(2**63),
            str(-(2**63) - 1),
            "NaN",
            "sNaN",
            "Infinity",
            "-inf",
            "1,000",
            "1_000",
            "١٢٣",  # Arabic-Indic digits: int() accepts them
            "0x10",
            " 7 ",
            "99999999999.999",
        )
    ),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
HOSTILE_DATES = st.one_of(
    st.sampled_from(
        (
            "2024-02-30",
            "2023-02-29",
            "0000-00-00",
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "2024-13-01",
            "-2024-01-01",
            "2024-01-01T25:61",
            "0001-01-01T00:00",
            "9999-12-31T23:59",
            "1970-01-01T00:00",
            "2038-01-19T03:14",
            "2024-01-01 00:00:00+99:00",
            "2024-W01",
            "2024-01",
            "yesterday",
        )
    ),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)
HOSTILE_IDS = st.one_of(
    st.sampled_from(("0", "-1", "999999", str(2**31), str(2**63), "9" * 30, "1.0", "1e3")),
    st.sampled_from(("abc", "1 OR 1=1", "[1]", "1\x00", "１")),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
HOSTILE_BOOLEANS = st.sampled_from(("on", "off", "true", "false", "0", "1", "", "yes", "None"))


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, fmt)
    return buffer.getvalue()


JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")
GIF = image_bytes("GIF")
UPLOAD_CONTENTS = {
    "jpeg": (JPEG, "image/jpeg"),
    "png_called_jpeg": (PNG, "image/jpeg"),
    "truncated_jpeg": (JPEG[: len(JPEG) // 2], "image/jpeg"),
    "gif_called_jpeg": (GIF, "image/jpeg"),
    "text_called_jpeg": (b"<?php system($_GET['c']); ?>\n", "image/jpeg"),
    "html_called_png": (f"<html>{SCRIPT}</html>".encode(), "image/png"),
    "empty": (b"", "image/jpeg"),
}
HOSTILE_FILE_NAMES = (
    "../../etc/passwd.jpg",
    "..\\..\\windows\\win.ini.jpg",
    "<script>alert(1)</script>.png",
    "photo\x00.php.jpg",
    "a" * 300 + ".jpg",
    "\u202egpj.php",
    "😀.jpg",
    ".htaccess",
)
# What the upload pipeline names every stored file (activities.images.process_photo).
GENERATED_FILE = re.compile(r"[0-9a-f]{32}(_thumb)?\.jpg")

# (file name, content, content type), as valid_payload() writes a file.
HOSTILE_FILES = st.builds(
    lambda name, kind: (name, *UPLOAD_CONTENTS[kind]),
    st.sampled_from(("photo.jpg", *HOSTILE_FILE_NAMES)),
    st.sampled_from(sorted(UPLOAD_CONTENTS)),
)


class Omit:
    """The field is left out of the submission."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT = Omit()


def value_strategy(field: forms.Field, valid) -> st.SearchStrategy:
    """What hypothesis may send for one field: the valid value, a hostile one, or nothing."""
    options: list[st.SearchStrategy] = [] if valid is None else [st.just(valid)]
    if isinstance(field, forms.FileField):
        return st.one_of(*options, HOSTILE_FILES, st.just(OMIT))
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        options.append(HOSTILE_NUMBERS)
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        options.append(HOSTILE_DATES)
    if isinstance(field, forms.ModelChoiceField):
        options.append(HOSTILE_IDS)
    elif isinstance(field, forms.ChoiceField):
        choices = [str(key) for key, _label in field.choices if key not in ("", None)]
        if choices:
            options.append(st.sampled_from(choices))
    if isinstance(field, forms.BooleanField):
        options.append(HOSTILE_BOOLEANS)
    options += [HOSTILE_TEXT, st.just(OMIT)]
    return st.one_of(*options)


# --- the pages and what they accept ---------------------------------------------------------


@pytest.fixture
def records(world, community, community_staff):
    """The sweep's records, and an activity that has begun (only those get a report)."""
    started = ActivityFactory(
        community=community,
        created_by=community_staff,
        title="已开始的活动",
        starts_at=timezone.now() - timedelta(hours=1),
    )
    unattached = ActivityFactory(
        community=community,
        created_by=community_staff,
        kind=Activity.Kind.TRAINING,
        title="未排课的培训",
        starts_at=timezone.now() - timedelta(hours=2),
    )
    # A booking of the victim whose time has come and gone, marked done: it may be rated.
    victim = world["profile"].user
    done = booking_actions.booking_create(
        item=world["item"],
        resident=victim,
        starts_at=local_moment(timezone.localdate() + timedelta(days=1), time(9, 0)),
        by=victim,
    )
    start = timezone.now() - timedelta(hours=3)
    TimeSlot.objects.filter(pk=done.slot_id).update(
        starts_at=start, ends_at=start + timedelta(minutes=30)
    )
    booking_actions.booking_done(booking=done, by=community_staff)
    return {
        **world,
        "started_activity": started,
        "unattached_training": unattached,
        "done_booking": done,
    }


@pytest.fixture
def volunteer(community, community_staff):
    """A resident of ``community`` whom its staff approved as a volunteer."""
    user = ResidentProfileFactory(
        community=community, user__name="周志愿", user__phone="13800000002"
    ).user
    Volunteer.objects.create(
        user=user,
        community=community,
        status=Volunteer.Status.APPROVED,
        decided_by=community_staff,
        decided_at=timezone.now(),
    )
    return user


@pytest.fixture
def adopter(world):
    """The victim resident of the sweep's world, who adopts its tree."""
    return world["profile"].user


@pytest.fixture
def booker(world):
    """The victim resident of the sweep's world, who holds its bookings and reservation."""
    return world["profile"].user


def page_url(name: str, records: dict, client: Client, which: str | None = None) -> str:
    if name == "password_reset_confirm":
        # The link from the e-mail; Django moves the token into the session and redirects.
        user = get_user_model().objects.get(pk=records["profile"].user_id)  # last_login counts
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        response = client.get(reverse(name, kwargs={"uidb64": uid, "token": token}))
        return response["Location"]
    if name == "activities:activity_report":
        return reverse(name, kwargs={"pk": records["started_activity"].pk})
    if name == "activities:activity_training" and which == "attach":
        return reverse(name, kwargs={"pk": records["unattached_training"].pk})
    if name == "services:booking_rate":
        return reverse(name, kwargs={"pk": records["done_booking"].pk})
    return sweep.url_for(name, records)


def form_url(name: str, records: dict, client: Client, which: str | None = None) -> str:
    """The page whose GET shows the form that is posted to ``name``."""
    if name in SHOWN_ON:
        return page_url(SHOWN_ON[name][0], records, client)
    return page_url(name, records, client, which)


def valid_payload(name: str, records: dict, which: str | None = None) -> dict:
    """A submission the form on ``name`` accepts (the base that hypothesis spoils)."""
    today = timezone.localdate()
    start = (timezone.localtime() + timedelta(days=5)).replace(hour=9, minute=0)
    community, street = records["community"].pk, records["street"].pk
    unit = {"community": community, "street": street}
    new_password = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    if name == "activities:activity_partners":
        return {
            "registry": {"form": "registry", "r-organisation": records["organisation"].pk},
            "named": {"form": "named", "n-kind": "other", "n-name": "志愿服务队", "n-role": "协办"},
            "allocation": {
                "form": "allocation",
                "a-resource": records["resource"].pk,
                "a-value": "10.00",
                "a-note": "买树苗",
            },
        }[which]
    if name == "activities:activity_club":
        return {
            "session": {
                "step": "session",
                "session-club": records["club"].pk,
                "session-theme": "品读经典",
            },
            "share": {
                "step": "share",
                "share-title": "《活着》",
                "share-author": "余华",
                "share-recommended_by": records["club_member"].pk,
                "share-reason": "写尽了人生的苦与韧",
            },
        }[which]
    if name == "activities:activity_training":
        instructor = records["instructor"].pk
        return {
            "attach": {
                "form": "attach",
                "s-programme": records["programme"].pk,
                "s-topic": "社区矛盾调解实务",
                "s-instructors": instructor,
            },
            "session": {"form": "session", "s-topic": "议事协商", "s-instructors": instructor},
            "attendance": {"form": "attendance", f"status_{records['trainee'].pk}": "absent"},
        }[which]
    tree = {
        "compound": records["compound"].pk,
        "spot": "3号楼西侧",
        "name": "新绿植",
        "species": "银杏",
        "planted_on": str(today - timedelta(days=1)),
        "planting_activity": records["activity"].pk,
        "care_every_days": "14",
    }
    report, victim = records["drill_report"], records["profile"].user
    # Free times of the world's item (its provider works 8:00–18:00 every day).
    slot_day = today + timedelta(days=3)
    slot_at = {hour: f"{local_moment(slot_day, time(hour, 0)):{SLOT_FORMAT}}" for hour in (10, 11)}
    hours_rows = records["provider"].hours.order_by("weekday", "opens")
    every_day = {
        "hours-TOTAL_FORMS": str(len(hours_rows) + 2),
        "hours-INITIAL_FORMS": str(len(hours_rows)),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "21",
    }
    for index, row in enumerate(hours_rows):
        every_day |= {
            f"hours-{index}-id": row.pk,
            f"hours-{index}-weekday": str(row.weekday),
            f"hours-{index}-opens": f"{row.opens:%H:%M}",
            f"hours-{index}-closes": f"{row.closes:%H:%M}",
        }
    station = {
        "community": community,
        "name": "新便民服务站",
        "address": "平城区二号",
        "opening_hours": "周一至周五 9:00–17:00",
        "contact_phone": "0352-1234567",
        "description": "一站式服务",
    }
    posting = {
        "station": records["station"].pk,
        "title": "超市理货员",
        "employer": "平城超市",
        "pay_min": "2500",
        "pay_max": "3500",
        "pay_unit": "month",
        "place": "平城超市",
        "requirements": "认真负责",
        "contact_name": "李经理",
        "contact_phone": "0352-1112222",
        "expires_on": str(today + timedelta(days=20)),
    }
    seeker = {
        "station": records["station"].pk,
        "name": "孙求职",
        "phone": "13400006666",
        "age_band": "45_59",
        "skills": "开车",
        "wished_work": "保安",
        "availability": "工作日白天",
        "share_consent": "on",
    }
    payloads = {
        "login": {"username": records["profile"].user.username, "password": PASSWORD},
        "password_change": {"old_password": PASSWORD, **new_password},
        "password_reset": {"email": "someone@example.com"},
        "password_reset_confirm": new_password,
        "communities:resident_register": {
            "name": "陈静",
            "phone": "13900009999",
            "community": community,
            "compound": records["compound"].pk,
            "email": "",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agree_privacy": "on",
        },
        "communities:community_update": {
            "office_address": "平城区一号",
            "office_hours": "周一至周五 9:00-17:00",
            "office_phone": "0352-1234567",
            "introduction": "社区介绍",
        },
        "communities:compound_create": {
            "name": "新小区",
            "address": "一号",
            "property_company": "",
        },
        "communities:phone_reveal": {"reason": "明天活动需要电话联系"},
        "communities:resident_password_set": new_password,
        "communities:organisation_create": {
            "name": "新社会组织",
            "category": "other",
            **unit,
            "incubator": "",
            "contact_name": "王芳",
            "contact_phone": "13700001111",
            "description": "简介",
            "services": "服务",
            "moved_in_on": str(today - timedelta(days=30)),
        },
        "communities:organisation_transition": {
            "to_state": "incubating",
            "on": str(today),
            "note": "进入孵化",
        },
        "communities:socialworker_create": {
            "name": "周社工",
            "phone": "13600001111",
            **unit,
            "qualification": "assistant",
            "certificate_number": "A123",
            "certificate_year": "2020",
            "employer": "",
            "specialities": "养老",
        },
        "communities:socialworker_detail": {
            "month": f"{today:%Y-%m}",
            "cases": "1",
            "groups": "2",
            "community_activities": "3",
            "notes": "记录",
        },
        "communities:resource_create": {
            "donor_name": "捐赠人",
            "donor_kind": "individual",
            "kind": "goods",
            "description": "大米",
            "value": "100.00",
            "quantity": "10",
            "unit": "袋",
            "received_on": str(today),
            **unit,
            "evidence_photo": ("receipt.jpg", JPEG, "image/jpeg"),
        },
        "communities:outsideunit_create": {
            "name": "新驻街单位",
            "kind": "school",
            **unit,
            "contact_name": "赵老师",
            "contact_phone": "13500001111",
            "address": "一号",
        },
        "activities:signup_create": {"party_size": "1", "children_under_14": "0"},
        "activities:my_data": {"reason": "请删除我的数据"},
        "activities:activity_create": {
            "kind": "tree_adoption",
            "title": "新活动",
            **unit,
            "venue": "广场",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M}",
            "capacity": "20",
            "audience": "everyone",
            "description": "说明",
        },
        "activities:activity_cancel": {"reason": "天气原因"},
        "activities:activity_copy": {"starts_at": f"{start + timedelta(days=7):%Y-%m-%dT%H:%M}"},
        "activities:activity_repeat": {"frequency": "weekly", "until": str(today + timedelta(30))},
        "activities:activity_report": {
            "report": "活动顺利",
            "attendance": "",
            "attendance_note": "",
        },
        "activities:photo_upload": {
            "photo": ("photo.jpg", JPEG, "image/jpeg"),
            "caption": "合影",
            "credit": "社区",
        },
        "activities:desk_signup": {
            "name": "孙大爷",
            "phone": "13400001111",
            "party_size": "1",
            "children_under_14": "0",
            "consent": "on",
        },
        "volunteers:apply": {
            "community": community,
            "team": records["team"].pk,
            "skills": "理发",
            "availability": "weekends",
            "availability_note": "周末上午",
        },
        "volunteers:backfill": {
            "title": "清扫楼道",
            "description": "清扫三号楼的楼道",
            "served_on": str(today - timedelta(days=2)),
            "hours": "1.5",
            "place": "三号楼",
            "organiser": "社区居委会",
            "training": "岗前培训 1 小时",
            "evidence": ("photo.jpg", JPEG, "image/jpeg"),
        },
        "volunteers:desk_register": {
            "name": "孙大姐",
            "phone": "13400003333",
            "community": community,
            "team": records["team"].pk,
            "skills": "急救",
            "availability": "weekday_daytime",
            "availability_note": "",
            "consent": "on",
        },
        "volunteers:volunteer_update": {
            "community": community,
            "team": records["team"].pk,
            "skills": "急救, 摄影",
            "availability": "weekends",
            "availability_note": "周六",
            "leads_team": "on",
            "honours": "2025年优秀志愿者",
        },
        "volunteers:team_create": {
            "name": "新服务队",
            **unit,
            "description": "环境整治",
        },
        "volunteers:star_policy": {
            "one_star": "50",
            "two_stars": "150",
            "three_stars": "300",
            "four_stars": "600",
            "five_stars": "1000",
        },
        "volunteers:activity_roles": {
            "name": "引导员",
            "slots": "2",
            "planned_hours": "1.5",
            "description": "在入口引导居民",
        },
        "volunteers:record_reject": {"reason": "当天没有这项服务"},
        "volunteers:certificate_revoke": {"reason": "记录有误，重新出具"},
        "activities:tree_create": {
            "community": community,
            **tree,
            "photo": ("tree.jpg", JPEG, "image/jpeg"),
        },
        "activities:tree_update": {**tree, "name": "受害绿植（改）"},
        "activities:care_log_create": {
            "kind": "water",
            "note": "浇了水",
            "photo": ("care.jpg", JPEG, "image/jpeg"),
        },
        # The same family again (only the tag changes): the adopter keeps the tree.
        "activities:tree_adopt": {
            "name": victim.name,
            "phone": victim.phone,
            "consent": "on",
            "tag_name": "小树苗",
            "reason": "",
        },
        "activities:tree_adoption_end": {"reason": "一家搬走了"},
        "activities:tree_mark_lost": {"note": "冬天冻死了"},
        "activities:tree_replace": {**tree, "name": "补种绿植", "note": "冬天冻死了"},
        "activities:club_create": {
            "community": community,
            "name": "新读书会",
            "description": "每月一起读一本书",
            "meets": "每月第二个周六上午",
        },
        "activities:club_update": {
            "name": "受害读书会（改）",
            "description": "每月一起读两本书",
            "meets": "每月第一个周日下午",
        },
        "activities:club_member_add": {"name": "孙读者", "phone": "13400004444", "consent": "on"},
        "activities:book_share_update": {
            "title": "《平凡的世界》",
            "author": "路遥",
            "recommended_by": records["club_member"].pk,
            "reason": "写尽了奋斗与尊严",
        },
        # The page's groups and actions: the report's row, then the extra (empty) rows.
        "activities:drill_report": {
            "report-partner_unit": records["outsideunit"].pk,
            "report-evacuation_seconds": "2:35",
            "report-findings": "东侧通道堵塞",
            "groups-TOTAL_FORMS": "4",
            "groups-INITIAL_FORMS": "1",
            "groups-MIN_NUM_FORMS": "0",
            "groups-MAX_NUM_FORMS": "30",
            "groups-0-id": report.groups.order_by("pk").first().pk,
            "groups-0-name": "居民",
            "groups-0-people": "60",
            "groups-1-name": "学生",
            "groups-1-people": "420",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "1",
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "50",
            "actions-0-id": report.actions.order_by("pk").first().pk,
            "actions-0-action": "清理东侧通道",
            "actions-0-owner": "物业",
            "actions-0-due_on": str(today + timedelta(days=7)),
            "actions-0-done": "on",
            "actions-1-action": "更换灭火器",
            "actions-1-owner": "社区居委会",
            "actions-1-due_on": str(today + timedelta(days=14)),
        },
        "activities:programme_create": {
            "street": street,
            "year": str(today.year),
            "track": "seedlings",  # the world's programme is this year's Lead Geese
            "title": "岗位育苗工程",
            "goal": "培养社区新人",
            "planned_sessions": "6",
            "instructors": records["instructor"].pk,
        },
        "activities:programme_update": {
            "year": str(today.year),
            "track": "lead_geese",
            "title": "头雁领航工程（改）",
            "goal": "培养带头人",
            "planned_sessions": "8",
            "instructors": records["instructor"].pk,
        },
        "activities:instructor_create": {
            "street": street,
            "social_worker": records["socialworker"].pk,
            "name": "新讲师",
            "title": "心理学老师",
            "organisation": "平城大学",
        },
        "activities:trainee_create": {
            "category": "other",
            "name": "新学员",
            "community": community,
        },
        "communities:special_groups": {"group": "disabled", "proof_seen": "残疾人证"},
        "services:station_create": station,
        "services:station_update": {**station, "name": "受害便民服务站（改）"},
        "services:provider_create": {
            "name": "新按摩馆",
            "category": "massage",
            "contact_name": "张师傅",
            "contact_phone": "13700001234",
            "description": "推拿、针灸",
            "hours-TOTAL_FORMS": "2",
            "hours-INITIAL_FORMS": "0",
            "hours-MIN_NUM_FORMS": "0",
            "hours-MAX_NUM_FORMS": "21",
            "hours-0-weekday": "0",
            "hours-0-opens": "09:00",
            "hours-0-closes": "12:00",
            "hours-1-weekday": "0",
            "hours-1-opens": "14:00",
            "hours-1-closes": "17:00",
        },
        # The page's rows (every day 8:00–18:00, kept) and its two empty rows.
        "services:provider_update": {
            "name": "受害理发店",
            "category": "barber",
            "contact_name": "王师傅",
            "contact_phone": "13700009999",
            "description": "社区老字号",
            **every_day,
        },
        "services:item_create": {
            "name": "理发",
            "description": "剪发、修面",
            "price": "15.00",
            "special_price": "",
            "duration_minutes": "30",
            "slot_capacity": "1",
        },
        "services:item_update": {
            "name": "受害上门义剪",
            "description": "上门为老人理发",
            "price": "15.00",
            "special_price": "0.00",
            "special_groups": "elderly_80",
            "duration_minutes": "30",
            "slot_capacity": "1",
            "home_visit": "on",
            "home_visit_only_for_special_groups": "on",
        },
        "services:booking_create": {"starts_at": slot_at[10], "note": "请带上围布"},
        "services:booking_desk": {
            "name": "孙大爷",
            "phone": "13400005555",
            "consent": "on",
            "starts_at": slot_at[11],
            "note": "行动不便",
        },
        "services:booking_rate": {"rating": "5", "comment": "师傅手艺好"},
        "services:product_create": {
            "provider": records["farm_provider"].pk,
            "name": "土鸡蛋",
            "origin_village": "新菜区",
            "unit": "盒",
            "price": "30.00",
            "stock": "10",
            "pickup_time": "每周六上午在服务站",
        },
        "services:product_update": {
            "provider": records["farm_provider"].pk,
            "name": "受害小米",
            "origin_village": "新菜区",
            "unit": "斤",
            "price": "7.00",
            "pickup_time": "每周日上午在服务站",
        },
        "services:product_restock": {"change": "5", "reason": "新到货"},
        "services:reservation_create": {"quantity": "2"},
        "services:posting_create": posting,
        "services:posting_update": {**posting, "title": "保洁员（急招）"},
        "services:seeker_create": {**seeker, "record_consent": "on"},
        # The resident of the ``resident`` fixture registers themselves.
        "services:seeker_register": {
            **seeker,
            "name": "刘芳",
            "phone": "13800000001",
            "share_consent": "",
        },
    }
    payloads["volunteers:team_update"] = payloads["volunteers:team_create"]
    payloads["volunteers:role_update"] = payloads["volunteers:activity_roles"]
    payloads["communities:street_update"] = payloads["communities:community_update"]
    payloads["activities:walk_in"] = {**payloads["activities:desk_signup"], "phone": "13400002222"}
    for create in ("compound", "organisation", "socialworker", "resource", "outsideunit"):
        payloads[f"communities:{create}_update"] = payloads[f"communities:{create}_create"]
    payloads["activities:activity_update"] = payloads["activities:activity_create"]
    return payloads[name]


def form_cases() -> Iterator[tuple[str, str, str | None]]:
    for name, personas in FORM_PAGES.items():
        for persona in personas:
            if name in MULTI_FORMS:
                for which in MULTI_FORMS[name][1][persona]:
                    yield name, persona, which
            else:
                yield name, persona, None


def user_for(persona: str, request):
    """The persona's user as the database has it now (a form may have changed the password)."""
    if persona == ANON:
        return None
    return get_user_model().objects.get(pk=request.getfixturevalue(persona).pk)


def forms_on(response, name: str, which: str | None) -> list[forms.BaseForm]:
    """The form a submission to ``name`` fills, with its formsets' management forms and rows."""
    context = response.context
    if name in SHOWN_ON:
        return [context[SHOWN_ON[name][1]]]
    if name == "activities:activity_club":
        return [context[f"{which}_form"]]
    found = [context["forms"][which] if which else context["form"]]
    for key in FORMSETS.get(name, ()):
        formset = context[key]
        found += [formset.management_form, *formset.forms]
    return found


def fields_of(found: list[forms.BaseForm]) -> dict[str, forms.Field]:
    """Every field of the forms, by the name it is posted under."""
    return {form.add_prefix(name): field for form in found for name, field in form.fields.items()}


def errors_of(found: list[forms.BaseForm]) -> set[str]:
    """The posted names of the fields with errors (``<prefix>-__all__`` for the whole form)."""
    return {form.add_prefix(name) for form in found for name in form.errors}


def to_post(payload: dict) -> dict:
    """File fields are written as (name, content, content type) tuples."""
    return {
        key: SimpleUploadedFile(*value) if isinstance(value, tuple) else value
        for key, value in payload.items()
    }


# --- what must hold for every response ------------------------------------------------------


def assert_shown_escaped(response) -> None:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    for raw in RAW_MARKUP:
        assert raw not in response.content, f"{raw!r} is in the page unescaped"


def assert_handled(response, client: Client) -> None:
    """Not a server error, nothing shown raw, and the page it redirects to is fine too."""
    assert response.status_code < 500
    assert_shown_escaped(response)
    location = response.get("Location", "")
    if response.status_code in (301, 302, 303) and url_has_allowed_host_and_scheme(
        location, allowed_hosts={"testserver"}
    ):
        followed = client.get(location)
        assert followed.status_code < 500
        assert_shown_escaped(followed)


PROJECT_APPS = {"communities", "activities", "governance_portal", "volunteers", "services"}


def text_columns() -> list[tuple[type[models.Model], list[str]]]:
    columns = []
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            names = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, (models.CharField, models.TextField, models.JSONField))
            ]
            if names:
                columns.append((model, names))
    return columns


def has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(item) for item in value)
    return False


def assert_no_nul_stored() -> None:
    """SQLite stores NUL silently; PostgreSQL refuses it with a DataError (a 500 above).

    Read in Python: SQLite's LIKE ends a pattern at NUL, so ``__contains`` cannot look for it.
    """
    for model, names in text_columns():
        for row in model.objects.values_list(*names):
            assert not has_nul(row), f"NUL stored in {model.__name__}: {row!r:.300}"


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint and undo it; fresh rate-limit counters and pages for each."""
    clear_caches()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp_path(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


FUZZ = hypothesis_settings(
    max_examples=12,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- the tests -------------------------------------------------------------------------------


def pages_where(shown, records, request, *, post_only: bool = False) -> set[str]:
    """Named URLs that some persona opens (200) with a context for which ``shown`` is true."""
    found = set()
    for name, pattern in sweep.named_urls():
        if post_only and not hasattr(getattr(pattern.callback, "view_class", None), "post"):
            continue
        for persona in PERSONAS:
            client = client_for(user_for(persona, request))
            response = client.get(page_url(name, records, client))
            if response.status_code == 200 and response.context and shown(response.context):
                found.add(name)
                break
    return found


def test_every_form_page_is_listed(records, request):
    def has_form(context) -> bool:
        return isinstance(context.get("form"), forms.BaseForm) or "forms" in context

    assert pages_where(has_form, records, request, post_only=True) == set(FORM_PAGES) - set(
        SHOWN_ON
    )
    # A form shown on another page is there for each persona who posts it, and its own URL
    # takes the POST.
    for name, (shown_on, key) in SHOWN_ON.items():
        assert hasattr(dict(sweep.named_urls())[name].callback.view_class, "post"), name
        for persona in FORM_PAGES[name]:
            client = client_for(user_for(persona, request))
            response = client.get(page_url(shown_on, records, client))
            assert isinstance(response.context.get(key), forms.BaseForm), (name, persona)


def test_every_list_with_filters_is_listed(records, request):
    def has_filters(context) -> bool:
        return isinstance(context.get("filter"), FilterSet) or any(
            isinstance(context.get(key), forms.BaseForm) for key in ("search", "pick")
        )

    assert pages_where(has_filters, records, request) == set(FILTER_PAGES)


@pytest.mark.parametrize(("name", "persona", "which"), list(form_cases()))
@FUZZ
@given(data=st.data())
def test_hostile_input_never_breaks_a_form(name, persona, which, data, records, request):
    user = user_for(persona, request)
    valid = valid_payload(name, records, which)
    with rolled_back():
        client = client_for(user)
        url = page_url(name, records, client, which)
        found = forms_on(client.get(form_url(name, records, client, which)), name, which)
        drawn = {
            key: data.draw(value_strategy(field, valid.get(key)), label=key)
            for key, field in fields_of(found).items()
        }
        if which:
            selector = MULTI_FORMS[name][0]
            drawn[selector] = data.draw(st.one_of(st.just(which), HOSTILE_TEXT), label=selector)
        payload = {key: value for key, value in drawn.items() if value is not OMIT}

        response = client.post(url, to_post(payload))

        assert_handled(response, client)
        assert_no_nul_stored()


@pytest.mark.parametrize(("name", "persona", "which"), list(form_cases()))
def test_nul_never_reaches_the_database(name, persona, which, records, request):
    """A NUL appended to any one value of a good submission is never stored; in a text field
    it is a form error. (Dates and numbers may simply not parse, or parse without it.)"""
    user = user_for(persona, request)
    valid = valid_payload(name, records, which)
    client = client_for(user)
    found = forms_on(client.get(form_url(name, records, client, which)), name, which)
    # A ticked box is "on" whatever the text, and a file's name is never kept.
    spoilable = {
        key: field
        for key, field in fields_of(found).items()
        if key in valid and not isinstance(field, (forms.BooleanField, forms.FileField))
    }
    assert spoilable
    for key, field in spoilable.items():
        with rolled_back():
            client = client_for(user)
            url = page_url(name, records, client, which)
            payload = {**to_post(valid), key: f"{valid[key]}\x00"}

            response = client.post(url, payload)

            assert_handled(response, client)
            assert_no_nul_stored()
            if isinstance(field, forms.CharField):
                assert response.status_code == 200, (key, response.status_code)
                assert key in errors_of(forms_on(response, name, which)), key


@pytest.mark.parametrize("name", sorted(FILTER_PAGES))
@FUZZ
@given(data=st.data())
def test_hostile_filters_never_break_a_list(name, data, records, request):
    clear_caches()  # each example reads the page's own form, never a cached page
    client = client_for(user_for(FILTER_PAGES[name], request))
    url = page_url(name, records, client)
    context = client.get(url).context
    if "filter" in context:
        form = context["filter"].form
    else:
        form = context["search"] if "search" in context else context["pick"]
    params = {}
    fields = dict(form.fields)
    for key in EXTRA_FILTER_FORMS.get(name, ()):
        fields |= context[key].fields
    for field_name, field in fields.items():
        value = data.draw(value_strategy(field, None), label=field_name)
        if value is not OMIT:
            params[field_name] = value
    page = data.draw(st.one_of(st.just(OMIT), HOSTILE_IDS, HOSTILE_TEXT), label="page")
    if page is not OMIT:
        params["page"] = page
    if name in EXTRA_PAGE_PARAMS:
        key = EXTRA_PAGE_PARAMS[name]
        value = data.draw(st.one_of(st.just(OMIT), HOSTILE_IDS, HOSTILE_TEXT), label=key)
        if value is not OMIT:
            params[key] = value
    if name in EXPORTING:
        export = data.draw(st.sampled_from((OMIT, "csv", "xlsx")), label="export")
        if export is not OMIT:
            params["export"] = export
    with rolled_back():
        response = client.get(url, params)

        assert_handled(response, client)
        assert_no_nul_stored()


@pytest.mark.parametrize("name", sorted(QUERY_PARAMS))
@FUZZ
@given(data=st.data())
def test_hostile_query_parameters_never_break_a_page(name, data, records, request):
    persona, keys = QUERY_PARAMS[name]
    client = client_for(user_for(persona, request))
    url = page_url(name, records, client)
    params = {}
    for key in keys:
        value = data.draw(
            st.one_of(st.just(OMIT), HOSTILE_IDS, HOSTILE_NUMBERS, HOSTILE_DATES, HOSTILE_TEXT),
            label=key,
        )
        if value is not OMIT:
            params[key] = value
    with rolled_back():
        response = client.get(url, params)

        assert response.status_code == 200
        assert_shown_escaped(response)
        assert_no_nul_stored()


# Staff steps on a farm-produce reservation go back to the list they were taken on (``next``).
NEXT_PAGES = ("services:reservation_pickup", "services:reservation_cancel")


# Regression: a bare word (``next=list``) was once taken for a view name (a 500).
@pytest.mark.parametrize("name", NEXT_PAGES)
@FUZZ
@given(
    next_url=st.one_of(
        HOSTILE_TEXT,
        st.sampled_from(
            ("list", "//evil.example/", "https://evil.example/", "/\\evil.example", "\x00/")
        ),
    )
)
@example(next_url="list")
def test_a_hostile_next_never_breaks_the_redirect_or_leaves_the_site(
    name, next_url, records, community_staff
):
    client = client_for(community_staff)
    with rolled_back():
        response = client.post(page_url(name, records, client), {"next": next_url})

        assert response.status_code == 302
        assert url_has_allowed_host_and_scheme(response["Location"], allowed_hosts={"testserver"})
        assert_no_nul_stored()


# Regression: exports once recorded the raw query string in the audit log (NUL → 500 on
# PostgreSQL); the outside-unit search once had no length limit (500 on SQLite).


@pytest.mark.parametrize("name", sorted(EXPORTING))
@FUZZ
@given(
    key=st.sampled_from(("q", "community", "street", "kind", "page", "anything")),
    value=HOSTILE_TEXT.map(lambda text: f"{text[:50]}\x00"),
    export=st.sampled_from(("csv", "xlsx")),
)
@example(key="community", value="1\x00", export="csv")
def test_nul_in_an_export_query_is_not_a_server_error(
    name, key, value, export, records, community_staff
):
    client = client_for(community_staff)
    with rolled_back():
        response = client.get(page_url(name, records, client), {key: value, "export": export})

        assert response.status_code == 200
        assert_no_nul_stored()


@FUZZ
@given(q=LONG_TEXT)
@example(q=SCRIPT * 2000)
def test_a_very_long_outside_unit_search_is_not_a_server_error(q, records, community_staff):
    client = client_for(community_staff)

    response = client.get(page_url("communities:outsideunit_list", records, client), {"q": q})

    assert response.status_code == 200
    assert_shown_escaped(response)


UPLOAD_FIELDS = {
    "activities:photo_upload": "photo",
    "communities:resource_create": "evidence_photo",
    "activities:tree_update": "photo",
}


def multipart(fields: dict, file_field: str, file_name: str, content: bytes, content_type: str):
    """Encode by hand: Django's test client would keep only the base name of ``file_name``."""
    boundary = "HostileInputBoundary7MA4YWxkTrZu0gW"
    parts = []
    for key, value in fields.items():
        parts += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{key}"'.encode(),
            b"",
            str(value).encode(),
        ]
    parts += [
        f"--{boundary}".encode(),
        f'Content-Disposition: form-data; name="{file_field}"; filename="{file_name}"'.encode(),
        f"Content-Type: {content_type}".encode(),
        b"",
        content,
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("kind", sorted(UPLOAD_CONTENTS))
@pytest.mark.parametrize("name", sorted(UPLOAD_FIELDS))
def test_hostile_uploads_are_refused_or_stored_under_a_generated_name(
    name, kind, records, community_staff, settings
):
    file_field = UPLOAD_FIELDS[name]
    content, content_type = UPLOAD_CONTENTS[kind]
    fields = {k: v for k, v in valid_payload(name, records).items() if k != file_field}
    client = client_for(community_staff)
    url = page_url(name, records, client)
    for file_name in HOSTILE_FILE_NAMES:
        photos = ActivityPhoto.objects.count()
        evidence = CharitableResource.objects.exclude(evidence="").count()
        body, multipart_type = multipart(fields, file_field, file_name, content, content_type)

        response = client.post(url, body, content_type=multipart_type)

        assert_handled(response, client)
        if kind in ("jpeg", "png_called_jpeg"):
            assert response.status_code == 302, file_name
        else:
            assert response.status_code == 200, file_name
            assert file_field in response.context["form"].errors
            assert ActivityPhoto.objects.count() == photos
            assert CharitableResource.objects.exclude(evidence="").count() == evidence
    stored = [path for path in settings.MEDIA_ROOT.parent.rglob("*") if path.is_file()]
    assert all(GENERATED_FILE.fullmatch(path.name) for path in stored), stored
    for photo in ActivityPhoto.objects.exclude(pk=records["photo"].pk):
        assert GENERATED_FILE.fullmatch(photo.image.name.rsplit("/", 1)[-1])
    for resource in CharitableResource.objects.exclude(evidence=""):
        assert GENERATED_FILE.fullmatch(resource.evidence.name.rsplit("/", 1)[-1])


def test_markup_saved_through_every_form_is_shown_escaped_everywhere(records, request):
    """Store markup through every form that takes it, then open every page as everyone."""
    marked = 0
    for name, persona, which in form_cases():
        user = user_for(persona, request)
        client = client_for(user)
        found = forms_on(client.get(form_url(name, records, client, which)), name, which)
        valid = valid_payload(name, records, which)
        payload = dict(valid)
        for key, field in fields_of(found).items():
            # Numbered: names must be unique among their neighbours.
            markup = f"{(SCRIPT, IMG)[marked % 2]}{marked}"
            free_text = type(field) is forms.CharField and "password" not in key
            if free_text and key in valid and len(markup) <= (field.max_length or len(markup)):
                payload[key] = markup
                marked += 1
        url = page_url(name, records, client, which)
        response = client.post(url, to_post(payload))
        refused = set()
        if response.status_code == 200:
            refused = errors_of(forms_on(response, name, which))
        if refused:
            # Put the valid value back where the form refuses markup (mobile numbers).
            payload = {key: valid[key] if key in refused else v for key, v in payload.items()}
            response = client.post(url, to_post(payload))

        assert_handled(response, client)
        # A reveal shows the number on the page itself; everything else redirects when saved.
        assert response.status_code == (200 if name == "communities:phone_reveal" else 302)
        assert not (response.context and errors_of(forms_on(response, name, which))), name

    shown_escaped = 0
    for name, _pattern in sweep.named_urls():
        for persona in PERSONAS:
            client = client_for(user_for(persona, request))
            response = client.get(page_url(name, records, client))
            assert response.status_code < 500, (name, persona)
            assert_shown_escaped(response)
            if not response.streaming:
                shown_escaped += b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert shown_escaped > 20  # the markup really is on the pages, escaped
