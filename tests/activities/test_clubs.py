"""Reading clubs: the public club pages, joining, the staff pages, a session's shared books.

Tests go through the views as residents and staff would; messages are checked by data and
status, never by translated text.
"""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from activities import kinds
from activities.models import Activity, BookShare, ClubMember, ClubSession, ReadingClub
from activities.parts.clubs import actions
from communities.models import ResidentProfile, User
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory

# --- helpers ---------------------------------------------------------------------------------


def url(name: str, *args) -> str:
    return reverse(f"activities:{name}", args=args)


def make_club(community, name="北辰社区读书会", **fields) -> ReadingClub:
    return ReadingClub.objects.create(community=community, name=name, **fields)


def make_member(club, **user_fields) -> ClubMember:
    user = ResidentProfileFactory(
        community=club.community, **{f"user__{k}": v for k, v in user_fields.items()}
    ).user
    return ClubMember.objects.create(club=club, resident=user)


def make_session(club, theme="", **activity_fields) -> ClubSession:
    fields = {
        "kind": Activity.Kind.READING_CLUB,
        "community": club.community,
        "starts_at": timezone.now() - timedelta(days=1),
        **activity_fields,
    }
    return ClubSession.objects.create(club=club, activity=ActivityFactory(**fields), theme=theme)


def share(session, member, title, author="", reason="", by=None) -> BookShare:
    return actions.book_share_add(
        session=session,
        title=title,
        author=author,
        recommended_by=member,
        reason=reason,
        by=by or member.resident,
    )


@pytest.fixture
def club(community):
    return make_club(community, description="每月一起读一本书。", meets="每月第二个周六上午")


@pytest.fixture
def reading_activity(community, community_staff):
    return ActivityFactory(
        community=community,
        created_by=community_staff,
        kind=Activity.Kind.READING_CLUB,
        title="读书分享会",
        starts_at=timezone.now() - timedelta(hours=1),
    )


def share_data(member, **overrides) -> dict:
    data = {
        "step": "share",
        "share-title": "《活着》",
        "share-author": "余华",
        "share-recommended_by": member.pk,
        "share-reason": "写尽了人生的苦与韧。",
    }
    return data | overrides


# --- the book list ----------------------------------------------------------------------------


def test_book_list_puts_the_most_recommended_first_and_merges_titles_by_key(club):
    session = make_session(club)
    one, two, three = make_member(club), make_member(club), make_member(club)
    share(session, one, "平凡的世界", "路遥")
    share(session, one, "《活着》", "余华")
    share(session, two, "活着", "余华")
    share(session, three, " 活 着 ", "余华")
    share(session, two, "《平凡的世界》", "路遥")
    share(session, three, "围城", "钱钟书")

    books = list(club.book_list())

    assert [(book["title_key"], book["shares"]) for book in books] == [
        ("活着", 3),
        ("平凡的世界", 2),
        ("围城", 1),
    ]


def test_club_page_shows_the_book_list_in_order(as_user, club):
    session = make_session(club)
    one, two = make_member(club), make_member(club)
    share(session, one, "围城")
    share(session, one, "《活着》")
    share(session, two, "活着")

    page = as_user(None).get(url("club_detail", club.pk)).content.decode()

    assert page.index("《活着》") < page.index("《围城》")
    assert page.count("《活着》") >= 1 and "《《" not in page


# --- public pages and masking -------------------------------------------------------------------


def test_club_list_shows_active_clubs_with_member_counts(as_user, club, community):
    make_member(club)
    make_member(club)
    left = make_member(club)
    left.left_at = timezone.now()
    left.save()
    make_club(community, name="已停办读书会", archived=True)

    response = as_user(None).get(url("club_list"))

    assert response.status_code == 200
    clubs = list(response.context["object_list"])
    assert clubs == [club]
    assert clubs[0].member_count == 2
    assert "已停办读书会" not in response.content.decode()


def test_club_list_filters_by_community(as_user, club, other_community):
    other = make_club(other_community, name="鹿苑读书会")

    response = as_user(None).get(url("club_list"), {"community": other_community.pk})

    assert list(response.context["object_list"]) == [other]


def test_club_list_ignores_an_unknown_community(as_user, club):
    response = as_user(None).get(url("club_list"), {"community": "abc"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_archived_club_is_404_publicly(as_user, community):
    archived = make_club(community, name="旧读书会", archived=True)

    assert as_user(None).get(url("club_detail", archived.pk)).status_code == 404


def test_public_pages_mask_recommenders(as_user, club):
    session = make_session(club, theme="品读经典")
    member = make_member(club, name="王秀兰", phone="13912345678")
    share(session, member, "活着", "余华", reason="坚韧")

    for page_url in (url("club_detail", club.pk), url("activity_detail", session.activity_id)):
        page = as_user(None).get(page_url).content.decode()
        assert "王*" in page and "坚韧" in page or page_url != url("club_detail", club.pk)
        assert "王秀兰" not in page and "13912345678" not in page and "5678" not in page
        assert "《活着》" in page


def test_club_page_hides_sessions_of_draft_activities(as_user, club):
    published = make_session(club)
    draft = make_session(club, status=Activity.Status.DRAFT, title="未发布的读书会")

    response = as_user(None).get(url("club_detail", club.pk))

    assert list(response.context["object_list"]) == [published]
    assert draft.activity.title not in response.content.decode()


def test_club_page_lists_sessions_newest_first(as_user, club):
    old = make_session(club, starts_at=timezone.now() - timedelta(days=30))
    new = make_session(club, starts_at=timezone.now() - timedelta(days=2))

    response = as_user(None).get(url("club_detail", club.pk))

    assert list(response.context["object_list"]) == [new, old]


# --- joining and leaving ----------------------------------------------------------------------


def test_resident_of_the_community_sees_join_and_joins(as_user, club, resident):
    client = as_user(resident)
    assert client.get(url("club_detail", club.pk)).context["can_join"] is True

    response = client.post(url("club_join", club.pk))

    assert response.status_code == 302
    assert ClubMember.objects.get(club=club).resident == resident
    page = client.get(url("club_detail", club.pk))
    assert page.context["membership"] is not None and page.context["can_join"] is False


def test_resident_of_another_community_cannot_join(as_user, other_community):
    club = make_club(other_community, name="鹿苑读书会")
    outsider = ResidentProfileFactory(community=club.community).user
    stranger = User.objects.get(pk=outsider.pk)
    ResidentProfile.objects.filter(user=stranger).update(
        community=ResidentProfileFactory().community
    )

    client = as_user(stranger)
    assert client.get(url("club_detail", club.pk)).context["can_join"] is False
    response = client.post(url("club_join", club.pk))

    assert response.status_code == 302
    assert not ClubMember.objects.exists()


def test_staff_without_a_resident_profile_get_403_on_join(as_user, club, community_staff):
    assert as_user(community_staff).post(url("club_join", club.pk)).status_code == 403
    assert not ClubMember.objects.exists()


def test_anonymous_join_goes_to_login(as_user, club):
    response = as_user(None).post(url("club_join", club.pk))

    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not ClubMember.objects.exists()


def test_joining_twice_changes_nothing(as_user, club, resident):
    client = as_user(resident)
    client.post(url("club_join", club.pk))
    client.post(url("club_join", club.pk))

    assert ClubMember.objects.filter(club=club).count() == 1


def test_join_is_a_post(as_user, club, resident):
    assert as_user(resident).get(url("club_join", club.pk)).status_code == 405


def test_archived_club_takes_no_members(as_user, community, resident):
    archived = make_club(community, name="旧读书会", archived=True)

    assert as_user(resident).post(url("club_join", archived.pk)).status_code == 404
    assert not ClubMember.objects.exists()


def test_member_leaves_and_rejoins_keeping_one_row(as_user, club, resident):
    client = as_user(resident)
    client.post(url("club_join", club.pk))

    client.post(url("club_leave", club.pk))
    member = ClubMember.objects.get()
    assert member.left_at is not None

    client.post(url("club_join", club.pk))
    member.refresh_from_db()
    assert member.left_at is None and ClubMember.objects.count() == 1


def test_leaving_a_club_one_is_not_in_is_404(as_user, club, resident):
    assert as_user(resident).post(url("club_leave", club.pk)).status_code == 404


# --- staff: clubs -----------------------------------------------------------------------------


def test_staff_create_a_club_in_their_community(as_user, community_staff, community):
    response = as_user(community_staff).post(
        url("club_create"),
        {"community": community.pk, "name": "恒大读书会", "description": "", "meets": "周六"},
    )

    club = ReadingClub.objects.get()
    assert response.status_code == 302 and response["Location"] == url("club_manage", club.pk)
    assert (club.community, club.name, club.meets) == (community, "恒大读书会", "周六")


def test_club_create_offers_only_communities_in_scope(
    as_user, community_staff, community, other_community
):
    response = as_user(community_staff).get(url("club_create"))
    choices = list(response.context["form"].fields["community"].queryset)
    assert choices == [community]

    response = as_user(community_staff).post(
        url("club_create"), {"community": other_community.pk, "name": "越权读书会"}
    )
    assert response.status_code == 200 and response.context["form"].errors["community"]
    assert not ReadingClub.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "x" * 61},
        {"name": "读书会\x00"},
        {"meets": "y" * 101},
    ],
)
def test_club_create_refuses_bad_input(as_user, community_staff, community, data):
    post = {"community": community.pk, "name": "好名字", "description": "", "meets": ""} | data

    response = as_user(community_staff).post(url("club_create"), post)

    assert response.status_code == 200 and response.context["form"].errors
    assert not ReadingClub.objects.exists()


def test_club_name_is_unique_in_its_community(as_user, community_staff, community, club):
    response = as_user(community_staff).post(
        url("club_create"), {"community": community.pk, "name": club.name}
    )

    assert response.status_code == 200 and response.context["form"].errors
    assert ReadingClub.objects.count() == 1


def test_staff_archive_a_club(as_user, community_staff, club):
    response = as_user(community_staff).post(
        url("club_update", club.pk),
        {"name": club.name, "description": "", "meets": "", "archived": "on"},
    )

    assert response.status_code == 302
    club.refresh_from_db()
    assert club.archived
    assert as_user(None).get(url("club_detail", club.pk)).status_code == 404


@pytest.mark.parametrize("name", ["club_manage", "club_update", "club_member_add"])
def test_staff_pages_of_another_communitys_club_are_404(
    as_user, name, club, other_community_staff, sibling_community_staff
):
    for outsider in (other_community_staff, sibling_community_staff):
        assert as_user(outsider).get(url(name, club.pk)).status_code == 404
        post = as_user(outsider).post(url(name, club.pk), {"name": "改名"})
        assert post.status_code == (405 if name == "club_manage" else 404)
    club.refresh_from_db()
    assert club.name == "北辰社区读书会"


@pytest.mark.parametrize(
    "name", ["club_manage_list", "club_create", "club_manage", "club_update", "club_member_add"]
)
def test_staff_pages_refuse_residents_and_anonymous(as_user, name, club, resident):
    args = () if name in ("club_manage_list", "club_create") else (club.pk,)
    assert as_user(resident).get(url(name, *args)).status_code == 403
    anonymous = as_user(None).get(url(name, *args))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]


def test_manage_list_shows_only_clubs_in_scope(as_user, community_staff, club, other_community):
    make_club(other_community, name="鹿苑读书会")

    response = as_user(community_staff).get(url("club_manage_list"))

    assert list(response.context["object_list"]) == [club]


def test_club_manage_shows_full_names_and_masked_phones(as_user, community_staff, club):
    make_member(club, name="王秀兰", phone="13912345678")

    page = as_user(community_staff).get(url("club_manage", club.pk)).content.decode()

    assert "王秀兰" in page and "139****5678" in page and "13912345678" not in page


def test_staff_add_a_member_at_the_desk_by_mobile(as_user, community_staff, club, resident):
    response = as_user(community_staff).post(
        url("club_member_add", club.pk), {"name": resident.name, "phone": resident.phone}
    )

    assert response.status_code == 302
    assert ClubMember.objects.get().resident == resident


def test_desk_creates_a_new_resident_with_consent(as_user, community_staff, club):
    data = {"name": "赵大爷", "phone": "13700000009", "consent": "on"}

    response = as_user(community_staff).post(url("club_member_add", club.pk), data)

    assert response.status_code == 302
    member = ClubMember.objects.select_related("resident__resident_profile").get()
    assert member.resident.resident_profile.community == club.community


def test_desk_refuses_a_resident_of_another_community(
    as_user, street_staff, club, sibling_community
):
    neighbour = ResidentProfileFactory(community=sibling_community).user

    response = as_user(street_staff).post(
        url("club_member_add", club.pk), {"name": neighbour.name, "phone": neighbour.phone}
    )

    assert response.status_code == 200 and response.context["form"].errors
    assert not ClubMember.objects.exists()


@pytest.mark.parametrize("phone", ["", "123", "abc", "1" * 30])
def test_desk_refuses_bad_phones(as_user, community_staff, club, phone):
    data = {"name": "赵大爷", "phone": phone, "consent": "on"}

    response = as_user(community_staff).post(url("club_member_add", club.pk), data)

    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert not ClubMember.objects.exists()


def test_staff_mark_a_member_as_left(as_user, community_staff, club):
    member = make_member(club)

    response = as_user(community_staff).post(url("club_member_leave", member.pk))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_at is not None


def test_outsider_cannot_mark_a_member_as_left(as_user, other_community_staff, club):
    member = make_member(club)

    assert (
        as_user(other_community_staff).post(url("club_member_leave", member.pk)).status_code == 404
    )
    member.refresh_from_db()
    assert member.left_at is None


# --- staff: a session's books ----------------------------------------------------------------


def test_staff_attach_a_reading_activity_to_a_club(
    as_user, community_staff, club, reading_activity
):
    response = as_user(community_staff).post(
        url("activity_club", reading_activity.pk),
        {"step": "session", "session-club": club.pk, "session-theme": "品读经典"},
    )

    assert response.status_code == 302
    session = ClubSession.objects.get()
    assert (session.activity, session.club, session.theme) == (reading_activity, club, "品读经典")


def test_session_attach_refuses_a_club_of_another_community(
    as_user, street_staff, reading_activity, sibling_community
):
    neighbours = make_club(sibling_community, name="向西街读书会")

    response = as_user(street_staff).post(
        url("activity_club", reading_activity.pk),
        {"step": "session", "session-club": neighbours.pk},
    )

    assert response.status_code == 200 and response.context["session_form"].errors["club"]
    assert not ClubSession.objects.exists()


def test_session_attach_refuses_another_kind_of_activity(as_user, community_staff, club, activity):
    page = as_user(community_staff).get(url("activity_club", activity.pk))
    assert page.status_code == 200 and page.context["is_reading_club"] is False

    response = as_user(community_staff).post(
        url("activity_club", activity.pk), {"step": "session", "session-club": club.pk}
    )

    assert response.status_code == 302
    assert not ClubSession.objects.exists()
    with pytest.raises(Exception, match="."):
        actions.club_session_attach(activity=activity, club=club, by=community_staff)


def test_session_club_cannot_change_once_books_are_shared(
    as_user, community_staff, community, club
):
    session = make_session(club)
    share(session, make_member(club), "活着")
    second = make_club(community, name="第二读书会")

    response = as_user(community_staff).post(
        url("activity_club", session.activity_id), {"step": "session", "session-club": second.pk}
    )

    assert response.status_code == 200 and response.context["session_form"].errors["club"]
    session.refresh_from_db()
    assert session.club == club


def test_staff_add_a_shared_book(as_user, community_staff, club):
    session = make_session(club)
    member = make_member(club)

    response = as_user(community_staff).post(
        url("activity_club", session.activity_id), share_data(member)
    )

    assert response.status_code == 302
    book = BookShare.objects.get()
    assert (book.title, book.title_key, book.author) == ("《活着》", "活着", "余华")
    assert (book.recommended_by, book.club, book.entered_by) == (member, club, community_staff)


def test_recommender_must_be_a_member_of_that_club(as_user, community_staff, community, club):
    session = make_session(club)
    other_club = make_club(community, name="第二读书会")
    stranger = make_member(other_club)
    left = make_member(club)
    left.left_at = timezone.now()
    left.save()

    client = as_user(community_staff)
    page = client.get(url("activity_club", session.activity_id))
    assert list(page.context["share_form"].fields["recommended_by"].queryset) == []

    for member in (stranger, left):
        response = client.post(url("activity_club", session.activity_id), share_data(member))
        assert response.status_code == 200
        assert response.context["share_form"].errors["recommended_by"]
    assert not BookShare.objects.exists()

    with pytest.raises(Exception, match="."):
        share(session, stranger, "活着")


@pytest.mark.parametrize(
    "overrides",
    [
        {"share-title": ""},
        {"share-title": "《》"},
        {"share-title": "x" * 201},
        {"share-author": "y" * 101},
        {"share-reason": "z" * 1001},
        {"share-recommended_by": "abc"},
        {"share-recommended_by": "999999"},
    ],
)
def test_book_share_refuses_bad_input(as_user, community_staff, club, overrides):
    session = make_session(club)
    member = make_member(club)

    response = as_user(community_staff).post(
        url("activity_club", session.activity_id), share_data(member, **overrides)
    )

    assert response.status_code == 200 and response.context["share_form"].errors
    assert not BookShare.objects.exists()


def test_staff_correct_and_remove_a_share(as_user, community_staff, club):
    session = make_session(club)
    member = make_member(club)
    book = share(session, member, "活著")
    client = as_user(community_staff)

    response = client.post(
        url("book_share_update", book.pk),
        {"title": "活着", "author": "余华", "recommended_by": member.pk, "reason": ""},
    )
    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.title, book.title_key, book.author) == ("活着", "活着", "余华")

    assert client.post(url("book_share_remove", book.pk)).status_code == 302
    assert not BookShare.objects.exists()


def test_outsider_cannot_touch_anothers_session_or_shares(as_user, other_community_staff, club):
    session = make_session(club)
    book = share(session, make_member(club), "活着")
    client = as_user(other_community_staff)

    assert client.get(url("activity_club", session.activity_id)).status_code == 404
    assert client.get(url("book_share_update", book.pk)).status_code == 404
    assert client.post(url("book_share_remove", book.pk)).status_code == 404
    assert BookShare.objects.count() == 1


def test_activity_club_refuses_residents(as_user, resident, reading_activity):
    assert as_user(resident).get(url("activity_club", reading_activity.pk)).status_code == 403


def test_street_wide_reading_activity_cannot_be_a_session(as_user, street_staff, street, club):
    street_wide = ActivityFactory(
        community=None, street=street, kind=Activity.Kind.READING_CLUB, title="街道读书节"
    )

    response = as_user(street_staff).post(
        url("activity_club", street_wide.pk), {"step": "session", "session-club": club.pk}
    )

    assert response.status_code == 302
    assert not ClubSession.objects.exists()


# --- the public activity page part ------------------------------------------------------------


def test_public_part_uses_at_most_two_queries(club, django_assert_max_num_queries):
    session = make_session(club)
    for index in range(5):
        share(session, make_member(club), f"书{index}")
    activity = Activity.objects.get(pk=session.activity_id)

    with django_assert_max_num_queries(2):
        template_name, context = kinds.public_part(activity)
        html = render_to_string(template_name, {"activity": activity, **context})

    assert "《书4》" in html and club.name in html


def test_public_part_of_an_unattached_activity_is_empty(reading_activity):
    template_name, context = kinds.public_part(reading_activity)

    assert render_to_string(template_name, context).strip() == ""


# --- query counts -----------------------------------------------------------------------------


def grow(club, sessions: int, members: int):
    people = [make_member(club) for _ in range(members)]
    for index in range(sessions):
        session = make_session(club, starts_at=timezone.now() - timedelta(days=index + 1))
        for number, person in enumerate(people):
            share(session, person, f"第{index}-{number}本书")


def count_queries(client, page, django_assert_max_num_queries, bound=30) -> int:
    client.get(page)  # the first request of a session does its own bookkeeping
    with django_assert_max_num_queries(bound) as captured:
        assert client.get(page).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", [None, "resident"])
def test_club_detail_queries_stay_flat(club, persona, request, django_assert_max_num_queries):
    client = client_for(request.getfixturevalue(persona) if persona else None)
    page = url("club_detail", club.pk)
    grow(club, sessions=1, members=1)
    small = count_queries(client, page, django_assert_max_num_queries)

    grow(club, sessions=6, members=4)
    assert count_queries(client, page, django_assert_max_num_queries) == small


def test_club_list_queries_stay_flat(club, community, django_assert_max_num_queries):
    client = client_for(None)
    small = count_queries(client, url("club_list"), django_assert_max_num_queries)

    for index in range(8):
        make_member(make_club(community, name=f"读书会{index}"))
    assert count_queries(client, url("club_list"), django_assert_max_num_queries) == small


def test_club_manage_queries_stay_flat(community_staff, club, django_assert_max_num_queries):
    client = client_for(community_staff)
    page = url("club_manage", club.pk)
    grow(club, sessions=1, members=1)
    small = count_queries(client, page, django_assert_max_num_queries)

    grow(club, sessions=5, members=8)
    assert count_queries(client, page, django_assert_max_num_queries) == small


def test_activity_club_queries_stay_flat(community_staff, club, django_assert_max_num_queries):
    client = client_for(community_staff)
    session = make_session(club)
    page = url("activity_club", session.activity_id)
    share(session, make_member(club), "活着")
    small = count_queries(client, page, django_assert_max_num_queries)

    for index in range(10):
        share(session, make_member(club), f"书{index}")
    assert count_queries(client, page, django_assert_max_num_queries) == small
