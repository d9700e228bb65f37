import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communities.models import Consent, ResidentProfile
from tests.factories import CompoundFactory

User = get_user_model()
URL = reverse("communities:resident_register")


@pytest.fixture
def valid_data(community):
    return {
        "name": "陈建国",
        "phone": "138 0013 8000",
        "community": community.pk,
        "compound": "",
        "email": "",
        "password1": "Heng-da-2026!",
        "password2": "Heng-da-2026!",
        "agree_privacy": "on",
    }


def test_resident_registers_and_is_logged_in(client, valid_data, community, settings):
    response = client.post(URL, valid_data)

    assert response.status_code == 302
    user = User.objects.get(phone="13800138000")
    assert user.name == "陈建国"
    assert user.username == "13800138000"
    assert ResidentProfile.objects.get(user=user).community == community
    consent = Consent.objects.get(user=user)
    assert consent.notice == Consent.Notice.PRIVACY
    assert consent.version == settings.PRIVACY_NOTICE_VERSION
    assert client.get(reverse("home")).context["user"] == user


def test_registered_resident_logs_in_with_mobile_number(client, valid_data):
    client.post(URL, valid_data)
    client.logout()

    response = client.post(
        reverse("login"), {"username": "13800138000", "password": "Heng-da-2026!"}
    )

    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].phone == "13800138000"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "1380013800", "请输入11位大陆手机号"),
        ("phone", "23800138000", "请输入11位大陆手机号"),
        ("phone", "phone-number", "请输入11位大陆手机号"),
        ("password1", "12345678", "密码只包含数字"),
        ("password1", "password", "这个密码太常见"),
        ("password1", "Ab1!", "密码太短"),
        ("agree_privacy", "", "必须同意隐私声明"),
        ("name", "", "这个字段是必填项"),
    ],
)
def test_bad_registration_input_shows_message_and_creates_nothing(
    client, valid_data, field, value, message
):
    data = {**valid_data, field: value}
    if field == "password1":
        data["password2"] = value

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not Consent.objects.exists()


def test_duplicate_phone_is_refused_with_a_clear_message(client, valid_data, resident):
    response = client.post(URL, {**valid_data, "phone": resident.phone})

    assert response.status_code == 200
    assert "该手机号已注册" in response.content.decode()
    assert User.objects.filter(phone=resident.phone).count() == 1
    assert ResidentProfile.objects.count() == 1


def test_password_like_the_phone_number_is_refused(client, valid_data):
    response = client.post(
        URL, {**valid_data, "password1": "13800138000a", "password2": "13800138000a"}
    )

    assert response.status_code == 200
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client, valid_data):
    response = client.post(URL, {**valid_data, "password2": "Other-pass-2026!"})

    assert "两次输入的密码不一致" in response.content.decode()
    assert not User.objects.exists()


def test_compound_of_another_community_is_refused(client, valid_data, other_community):
    foreign = CompoundFactory(community=other_community)

    response = client.post(URL, {**valid_data, "compound": foreign.pk})

    assert "该小区不属于所选社区" in response.content.decode()
    assert not User.objects.exists()


def test_control_characters_in_name_are_refused(client, valid_data):
    response = client.post(URL, {**valid_data, "name": "刘\x07芳"})

    assert response.status_code == 200
    assert not User.objects.exists()


def test_logged_in_user_is_sent_home_from_registration(as_user, resident):
    response = as_user(resident).get(URL)

    assert response.status_code == 302
