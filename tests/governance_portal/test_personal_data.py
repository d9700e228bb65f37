"""The registry of personal data (governance_portal.personal_data) stays complete and true.

A model field that looks personal (by its name or its label, in English or Chinese) must be in
the registry, or in NOT_PERSONAL below with the reason it is not.
"""

import re

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.utils import translation

from governance_portal import personal_data
from governance_portal.personal_data import KEPT, REGISTRY, RETENTION, RETENTION_RULES

OUR_APPS = {"governance_portal", "communities", "activities", "volunteers", "services"}

#: Words of a field's name (split on "_") that suggest a person's data.
PERSONAL_WORDS = {
    "name",
    "username",
    "phone",
    "mobile",
    "tel",
    "email",
    "address",
    "birth",
    "birthday",
    "age",
    "gender",
    "sex",
    "identity",
    "passport",
    "ip",
    "wechat",
    "qq",
    "guardian",
    "children",
    "child",
    "donor",
    "disability",
    "disabled",
    "elderly",
    "photo",
    "image",
    "avatar",
    "caption",
}
#: Whole names and prefixes that suggest a person's data.
PERSONAL_NAMES = re.compile(r"^(id_number|id_card|certificate_number|contact_.*|.*_repr)$")
#: Words in a field's label (verbose_name), English and Chinese.
PERSONAL_LABELS = re.compile(
    r"full name|mobile|phone|e-mail|email|address|birth|identity|id card|id number|"
    r"contact person|guardian|children|donor|photo|"
    r"姓名|手机|电话|身份证|住址|地址|出生|联系人|监护人|儿童|捐赠人|照片",
    re.IGNORECASE,
)

#: Fields that look personal but are not: names and addresses of places and organisations
#: (public by nature), offices' public phones, and titles.
NOT_PERSONAL = {
    # Places and offices: public information about the organisation tree.
    ("communities.District", "name"),
    ("communities.Street", "name"),
    ("communities.Street", "office_address"),
    ("communities.Street", "office_phone"),
    ("communities.Community", "name"),
    ("communities.Community", "office_address"),
    ("communities.Community", "office_phone"),
    ("communities.Compound", "name"),
    ("communities.Compound", "address"),
    # Organisations and units: legal persons, not natural persons.
    ("communities.SocialOrganisation", "name"),
    ("communities.OutsideUnit", "name"),
    ("communities.OutsideUnit", "address"),
    # What kind of donor, and whether to show them as anonymous: about the gift, not a person.
    ("communities.CharitableResource", "donor_kind"),
    ("communities.CharitableResource", "anonymous"),
    # Volunteer teams and roles on activities are named after what they do, not after people.
    ("volunteers.VolunteerTeam", "name"),
    ("volunteers.VolunteerRole", "name"),
    # The service station, its providers, items and products: places and businesses.
    ("services.ServiceStation", "name"),
    ("services.ServiceStation", "address"),
    ("services.ServiceStation", "contact_phone"),
    ("services.ServiceProvider", "name"),
    ("services.ServiceItem", "name"),
    ("services.Product", "name"),
    # The employer's business line, published with the posting on purpose (like a shop sign).
    ("services.JobPosting", "contact_phone"),
    # Kind-specific parts: named after things, not people.
    ("activities.ReadingClub", "name"),
    ("activities.DrillGroup", "name"),  # "学生", "教师": a group, not a person
    ("activities.Tree", "name"),  # "同心树 1号"
    # Photos of a tree, taken by staff when it was planted.
    ("activities.Tree", "photo"),
    # A display choice (full name or surname in the ranking); it holds no value of its own.
    ("volunteers.Volunteer", "full_name_in_ranking"),
}


def looks_personal(model, field) -> bool:
    name = field.name
    if PERSONAL_WORDS & set(name.split("_")) or PERSONAL_NAMES.match(name):
        return True
    for language in ("en", "zh-hans"):
        with translation.override(language):
            label = str(getattr(field, "verbose_name", "") or "")
        if PERSONAL_LABELS.search(label):
            return True
    return False


def our_fields():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue  # reverse relations belong to the other model
            yield model, field


def test_every_personal_looking_field_is_registered_or_explained():
    registered = {entry.key for entry in REGISTRY}

    unregistered = sorted(
        f"{model._meta.label}.{field.name}"
        for model, field in our_fields()
        if looks_personal(model, field)
        and (model._meta.label, field.name) not in registered
        and (model._meta.label, field.name) not in NOT_PERSONAL
    )

    assert unregistered == [], (
        "Register these in governance_portal/personal_data.py (purpose, retention category, "
        "mask) or explain them in NOT_PERSONAL"
    )


def test_the_detector_finds_personal_fields():
    from communities.models import User

    assert looks_personal(User, User._meta.get_field("phone"))
    assert looks_personal(User, User._meta.get_field("name"))
    assert not looks_personal(User, User._meta.get_field("is_active"))


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("idno", "身份证号码"),
        ("birth_date", "date of birth"),
        ("home", "家庭住址"),
        ("contact_wechat", "WeChat"),
        ("guardian_phone", "guardian"),
    ],
)
def test_a_new_personal_field_would_be_caught(name, label):
    from django.db import models

    field = models.CharField(label, max_length=20)
    field.name = name

    assert looks_personal(None, field)


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: f"{e.model_label}.{e.field}")
def test_registry_entry_names_an_existing_field(entry):
    model = apps.get_model(entry.model_label)

    try:
        model._meta.get_field(entry.field)
    except FieldDoesNotExist:
        pytest.fail(f"{entry.model_label} has no field {entry.field!r}")
    assert entry.purpose.strip()
    assert entry.category in RETENTION or entry.category in KEPT


def test_not_personal_entries_name_existing_fields():
    for label, name in NOT_PERSONAL:
        apps.get_model(label)._meta.get_field(name)


def test_a_field_is_registered_once():
    keys = [entry.key for entry in REGISTRY]

    assert len(keys) == len(set(keys))


def test_phone_masks_mask():
    phones = [
        entry
        for entry in REGISTRY
        if "phone" in entry.field or entry.key == ("communities.User", "username")
    ]

    assert len(phones) >= 5
    for entry in phones:
        assert entry.mask is not None, entry.key
        assert entry.mask("13812341234") == "138****1234", entry.key


def test_name_and_other_masks_hide_the_value():
    assert personal_data.mask_name("刘芳") == "刘*"
    assert personal_data.mask_email("liufang@example.com") == "l***@example.com"
    assert personal_data.mask_id_number("140102199001011234") == "1401**********1234"
    assert personal_data.mask_login_name("lina") == "lina"
    for entry in REGISTRY:
        if entry.mask is not None and entry.category != personal_data.PUBLIC_RECORD:
            assert entry.mask("13812341234") != "13812341234", entry.key


def test_every_retention_category_has_a_default_of_at_least_30_days():
    assert set(RETENTION) == set(RETENTION_RULES)
    assert all(days >= 30 for days in RETENTION.values())
    assert RETENTION["audit"] >= 183  # logs are kept at least six months


def test_retention_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_RETENTION_NOTIFICATION_DAYS", "90")

    assert personal_data.read_retention()["notification"] == 90


@pytest.mark.parametrize("value", ["10", "a year", "-5"])
def test_a_bad_retention_value_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("PORTAL_RETENTION_ACCOUNT_DAYS", value)

    with pytest.raises(ImproperlyConfigured, match="PORTAL_RETENTION_ACCOUNT_DAYS"):
        personal_data.read_retention()


def test_a_bad_retention_value_stops_the_portal_from_starting():
    from tests.governance_portal.test_settings import start

    result = start(DJANGO_DEBUG="1", PORTAL_RETENTION_SIGNUP_DAYS="three years")

    assert result.returncode != 0
    assert "PORTAL_RETENTION_SIGNUP_DAYS" in result.stderr


def test_audit_retention_cannot_go_below_six_months(monkeypatch):
    monkeypatch.setenv("PORTAL_RETENTION_AUDIT_DAYS", "100")

    with pytest.raises(ImproperlyConfigured, match="at least 183"):
        personal_data.read_retention()


def test_every_retention_variable_is_documented():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    documented = (root / "docs" / "configuration.md").read_text()
    example = (root / ".env.example").read_text()
    for category in RETENTION_RULES:
        variable = personal_data.env_variable(category)
        assert f"`{variable}`" in documented, variable
        assert f"{variable}=" in example, variable
