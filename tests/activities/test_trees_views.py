"""Tree adoption pages: the staff list and forms, name tags, the public tree page, 我的.

Through the test client, as staff and residents use them. The Chinese catalogue for these
pages is written afterwards, so the tests check status codes, the database, form errors and
data on the page, not translated text.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, CareLog, Tree, TreeAdoption
from activities.parts.trees import actions
from communities.models import User
from tests.activities.factories import ActivityFactory
from tests.activities.trees_support import days_ago, jpeg_upload
from tests.conftest import client_for
from tests.factories import CompoundFactory, ResidentProfileFactory

pytest_plugins = ["tests.activities.trees_fixtures"]


def url(name: str, *args) -> str:
    return reverse(f"activities:{name}", args=args)


def reload(tree: Tree) -> Tree:
    return Tree.objects.get(pk=tree.pk)


def tree_data(in_community, in_compound, **overrides) -> dict:
    data = {
        "community": in_community.pk,
        "compound": in_compound.pk,
        "spot": "3号楼东侧草坪",
        "name": "同心树 9号",
        "species": "银杏",
        "planted_on": timezone.localdate().isoformat(),
        "planting_activity": "",
        "care_every_days": "14",
    }
    return data | overrides


STAFF_PAGES = [
    "tree_manage",
    "tree_update",
    "tree_adopt",
    "tree_adoption_end",
    "tree_mark_lost",
    "tree_replace",
]


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_open_their_trees_pages(community_staff, street_staff, adopted, name):
    for user in (community_staff, street_staff):
        assert client_for(user).get(url(name, adopted.pk)).status_code == 200


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_outsider_gets_404_and_nothing_changes(
    other_community_staff, sibling_community_staff, adopted, name
):
    for user in (other_community_staff, sibling_community_staff):
        client = client_for(user)
        assert client.get(url(name, adopted.pk)).status_code == 404
        response = client.post(
            url(name, adopted.pk), {"reason": "x", "note": "x", "name": "x", "phone": "x"}
        )
        assert response.status_code == (405 if name == "tree_manage" else 404)
    tree = reload(adopted)
    assert (tree.status, tree.adopter_id, tree.name) == (
        "healthy",
        adopted.adopter_id,
        "同心树 1号",
    )
    assert TreeAdoption.objects.count() == 1


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_resident_gets_403_on_staff_pages(adopter, adopted, name):
    assert client_for(adopter).get(url(name, adopted.pk)).status_code == 403
    assert client_for(adopter).post(url(name, adopted.pk), {}).status_code == 403


@pytest.mark.parametrize("name", ["tree_manage_list", "tree_create", "tree_labels"] + STAFF_PAGES)
def test_anonymous_is_sent_to_login(tree, name):
    page = url(name, tree.pk) if name in STAFF_PAGES else url(name)
    response = client_for(None).get(page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["tree_manage_list", "tree_create", "tree_labels"])
def test_resident_gets_403_on_staff_lists(adopter, name):
    assert client_for(adopter).get(url(name)).status_code == 403


# --- the list --------------------------------------------------------------------------------


def test_list_shows_own_trees_by_compound_with_masked_phones(
    community_staff, adopted, other_community, other_compound
):
    Tree.objects.create(
        community=other_community,
        compound=other_compound,
        name="北辰之树",
        species="松树",
        planted_on=days_ago(1),
        care_due_at=timezone.now(),
        created_by=community_staff,
    )

    page = client_for(community_staff).get(url("tree_manage_list")).content.decode()

    assert "同心树 1号" in page and "恒大华府" in page
    assert "陈建国" in page  # staff see the adopter's name
    assert "138****8000" in page and "13800138000" not in page
    assert "北辰之树" not in page


def test_list_filters_needs_care_and_text(community_staff, make_tree):
    make_tree(name="老槐树", species="国槐", planted_on=days_ago(30))
    make_tree(name="小银杏", species="银杏", planted_on=days_ago(1))
    client = client_for(community_staff)

    page = client.get(url("tree_manage_list"), {"condition": "needs_care"}).content.decode()
    assert "老槐树" in page and "小银杏" not in page

    page = client.get(url("tree_manage_list"), {"condition": "healthy"}).content.decode()
    assert "老槐树" not in page and "小银杏" in page

    page = client.get(url("tree_manage_list"), {"q": "国槐"}).content.decode()
    assert "老槐树" in page and "小银杏" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"community": "999999"},
        {"compound": "abc"},
        {"condition": "dancing"},
        {"q": "x" * 500},
        {"page": "9999"},
    ],
)
def test_list_bad_filters_never_fail(community_staff, tree, query):
    response = client_for(community_staff).get(url("tree_manage_list"), query)
    assert response.status_code in (200, 404)


def test_list_refuses_another_communitys_compound_as_filter(community_staff, tree, other_compound):
    response = client_for(community_staff).get(
        url("tree_manage_list"), {"compound": other_compound.pk}
    )
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_list_queries_stay_flat(
    community_staff, community, make_tree, make_resident, django_assert_max_num_queries
):
    client = client_for(community_staff)

    def grow(count):
        for _ in range(count):
            tree = make_tree(compound=CompoundFactory(community=community))
            actions.tree_adopt(tree=tree, adopter=make_resident(), by=community_staff)

    grow(2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("tree_manage_list")).status_code == 200
    grow(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("tree_manage_list")).status_code == 200


# --- create and edit -------------------------------------------------------------------------


def test_staff_add_a_tree_with_a_photo(community_staff, community, compound, planting, media_root):
    client = client_for(community_staff)
    page = client.get(url("tree_create"), {"activity": planting.pk})
    assert page.status_code == 200
    assert page.context["form"].initial["planting_activity"] == planting

    response = client.post(
        url("tree_create"),
        tree_data(community, compound, planting_activity=planting.pk, photo=jpeg_upload()),
    )

    tree = Tree.objects.get()
    assert response.status_code == 302
    assert response.url == url("tree_manage", tree.pk)
    assert (tree.planting_activity, tree.created_by, tree.compound) == (
        planting,
        community_staff,
        compound,
    )
    assert tree.photo.name.endswith(".jpg") and tree.thumbnail.name.endswith("_thumb.jpg")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": "树" * 41}, "name"),
        ({"species": ""}, "species"),
        ({"care_every_days": "-3"}, "care_every_days"),
        ({"care_every_days": "0"}, "care_every_days"),
        ({"care_every_days": "1000"}, "care_every_days"),
        ({"care_every_days": "abc"}, "care_every_days"),
        ({"planted_on": "9999-01-01"}, "planted_on"),
        ({"planted_on": "not a date"}, "planted_on"),
        ({"planted_on": ""}, "planted_on"),
        ({"community": "999999"}, "community"),
        ({"compound": "999999"}, "compound"),
        ({"planting_activity": "abc"}, "planting_activity"),
    ],
)
def test_bad_input_is_refused_on_the_form(community_staff, community, compound, overrides, field):
    response = client_for(community_staff).post(
        url("tree_create"), tree_data(community, compound, **overrides)
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Tree.objects.exists()


def test_other_communities_ids_are_refused_in_posts(
    community_staff, community, compound, other_community, other_compound, sibling_community
):
    client = client_for(community_staff)
    elsewhere = ActivityFactory(community=sibling_community, kind=Activity.Kind.TREE_ADOPTION)
    attempts = [
        ({"community": other_community.pk}, "community"),
        ({"compound": other_compound.pk}, "compound"),
        ({"planting_activity": elsewhere.pk}, "planting_activity"),
    ]
    for overrides, field in attempts:
        response = client.post(url("tree_create"), tree_data(community, compound, **overrides))
        assert field in response.context["form"].errors
    assert not Tree.objects.exists()


def test_street_staff_cannot_put_a_compound_in_the_wrong_community(
    street_staff, community, sibling_community, compound
):
    response = client_for(street_staff).post(
        url("tree_create"), tree_data(sibling_community, compound)
    )

    assert "compound" in response.context["form"].errors
    assert not Tree.objects.exists()


def test_duplicate_name_shows_on_the_form(community_staff, community, compound, tree):
    response = client_for(community_staff).post(
        url("tree_create"), tree_data(community, compound, name=tree.name)
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Tree.objects.count() == 1


def test_create_ignores_an_activity_outside_scope_in_the_query(community_staff, sibling_community):
    elsewhere = ActivityFactory(community=sibling_community, kind=Activity.Kind.TREE_ADOPTION)
    for value in (elsewhere.pk, "abc", "99999999999999"):
        page = client_for(community_staff).get(url("tree_create"), {"activity": value})
        assert page.status_code == 200
        assert "planting_activity" not in page.context["form"].initial


def test_staff_edit_a_tree_and_its_photo(community_staff, tree, compound, media_root):
    data = tree_data(tree.community, compound, name="同心树 一号", care_every_days="7")
    data.pop("community")

    response = client_for(community_staff).post(
        url("tree_update", tree.pk), data | {"photo": jpeg_upload()}
    )

    assert response.status_code == 302
    edited = reload(tree)
    assert (edited.name, edited.care_every_days, edited.community) == (
        "同心树 一号",
        7,
        tree.community,
    )
    assert edited.thumbnail


def test_edit_refuses_a_broken_photo(community_staff, tree, compound, media_root):
    data = tree_data(tree.community, compound)
    data.pop("community")
    from django.core.files.uploadedfile import SimpleUploadedFile

    broken = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client_for(community_staff).post(
        url("tree_update", tree.pk), data | {"photo": broken}
    )

    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert reload(tree).name == "同心树 1号"


# --- adoption at the desk --------------------------------------------------------------------


def test_desk_adopts_for_a_new_resident_by_mobile(community_staff, tree, community):
    response = client_for(community_staff).post(
        url("tree_adopt", tree.pk),
        {
            "name": "孙丽",
            "phone": "13900001111",
            "consent": "on",
            "tag_name": "孙小宝",
            "reason": "",
        },
    )

    assert response.status_code == 302
    adopter = User.objects.get(phone="13900001111")
    assert adopter.resident_profile.community == community
    assert (reload(tree).adopter, reload(tree).tag_name) == (adopter, "孙小宝")


def test_desk_adopts_for_a_known_resident_and_the_history_grows(
    community_staff, adopted, make_resident
):
    newcomer = make_resident(name="王芳", phone="13900002222")

    client_for(community_staff).post(
        url("tree_adopt", adopted.pk),
        {"name": "王芳", "phone": "13900002222", "tag_name": "", "reason": "搬家了"},
    )

    assert reload(adopted).adopter == newcomer
    assert TreeAdoption.objects.filter(tree=adopted).count() == 2
    page = client_for(community_staff).get(url("tree_manage", adopted.pk)).content.decode()
    assert "搬家了" in page and "陈建国" in page and "王芳" in page


def test_desk_refuses_a_resident_of_another_community(street_staff, tree, sibling_community):
    ResidentProfileFactory(community=sibling_community, user__phone="13900003333")

    response = client_for(street_staff).post(
        url("tree_adopt", tree.pk), {"name": "李四", "phone": "13900003333", "tag_name": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert reload(tree).adopter is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "", "phone": ""},
        {"name": "张三", "phone": "12345"},
        {"name": "张三", "phone": "13900004444"},  # new number without consent
        {"name": "张三", "phone": "13900004444", "consent": "on", "tag_name": "名" * 41},
    ],
)
def test_desk_adoption_bad_input(community_staff, tree, data):
    response = client_for(community_staff).post(url("tree_adopt", tree.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert reload(tree).adopter is None
    assert not User.objects.filter(phone="13900004444").exists()


def test_desk_cannot_adopt_a_lost_tree_and_leaves_no_new_resident(community_staff, tree):
    actions.tree_mark_lost(tree=tree, note="枯死", by=community_staff)

    response = client_for(community_staff).post(
        url("tree_adopt", tree.pk),
        {"name": "孙丽", "phone": "13900005555", "consent": "on", "tag_name": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(phone="13900005555").exists()


def test_end_adoption_and_mark_lost_through_the_pages(community_staff, adopted):
    client = client_for(community_staff)
    assert client.post(url("tree_adoption_end", adopted.pk), {"reason": ""}).status_code == 200
    assert reload(adopted).adopter is not None

    assert client.post(url("tree_adoption_end", adopted.pk), {"reason": "搬家"}).status_code == 302
    assert reload(adopted).adopter is None
    response = client.post(url("tree_adoption_end", adopted.pk), {"reason": "搬家"})
    assert response.context["form"].non_field_errors()

    assert client.post(url("tree_mark_lost", adopted.pk), {"note": "x" * 201}).status_code == 200
    assert client.post(url("tree_mark_lost", adopted.pk), {"note": "枯死"}).status_code == 302
    assert reload(adopted).status == Tree.Status.LOST


def test_replace_through_the_page_moves_the_adopter(community_staff, adopted, compound, adopter):
    client = client_for(community_staff)
    page = client.get(url("tree_replace", adopted.pk))
    assert page.context["form"].initial["name"] == "同心树 1号（补种）"

    data = tree_data(adopted.community, compound, name="同心树 1号（补种）", note="冻死")
    data.pop("community")
    response = client.post(url("tree_replace", adopted.pk), data)

    new = Tree.objects.get(name="同心树 1号（补种）")
    assert response.url == url("tree_manage", new.pk)
    assert new.adopter == adopter
    old = reload(adopted)
    assert (old.status, old.replaced_by, old.status_note) == ("replaced", new, "冻死")
    assert client.get(url("tree_replace", adopted.pk)).status_code == 200
    again = client.post(url("tree_replace", adopted.pk), data | {"name": "再补种"})
    assert again.status_code == 200 and not Tree.objects.filter(name="再补种").exists()


# --- the activity's trees page ---------------------------------------------------------------


def test_activity_trees_page_lists_trees_and_links_to_add_one(community_staff, planting, make_tree):
    make_tree(name="活动之树", planting_activity=planting)
    make_tree(name="别的树")

    response = client_for(community_staff).get(url("activity_trees", planting.pk))

    page = response.content.decode()
    assert "活动之树" in page and "别的树" not in page
    assert f"{url('tree_create')}?activity={planting.pk}" in page


def test_activity_trees_page_for_another_kind_says_so(community_staff, community):
    club = ActivityFactory(community=community, kind=Activity.Kind.READING_CLUB)

    response = client_for(community_staff).get(url("activity_trees", club.pk))

    assert response.status_code == 200
    assert response.context["is_tree_adoption"] is False
    assert url("activity_manage", club.pk) in response.content.decode()


def test_activity_trees_page_outsider_404_resident_403(other_community_staff, adopter, planting):
    assert (
        client_for(other_community_staff).get(url("activity_trees", planting.pk)).status_code == 404
    )
    assert client_for(adopter).get(url("activity_trees", planting.pk)).status_code == 403


# --- name tags -------------------------------------------------------------------------------


def test_labels_carry_name_adopter_tag_and_a_qr_code(community_staff, adopted, make_tree):
    make_tree(name="无人领养")

    response = client_for(community_staff).get(url("tree_labels"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 2
    assert "同心树 1号" in page and "陈小雨" in page and "无人领养" in page
    assert "陈建国" not in page and "13800138000" not in page
    assert "tree_labels.css" in page


def test_labels_without_tag_name_show_the_masked_adopter(community_staff, tree, adopter):
    actions.tree_adopt(tree=tree, adopter=adopter, tag_name="", by=community_staff)

    page = client_for(community_staff).get(url("tree_labels")).content.decode()

    assert "陈*" in page and "陈建国" not in page


def test_labels_follow_the_list_filter_the_activity_and_the_scope(
    community_staff, make_tree, planting, other_community_staff
):
    make_tree(name="活动之树", planting_activity=planting)
    make_tree(name="老槐树", species="国槐")
    client = client_for(community_staff)

    by_filter = client.get(url("tree_labels"), {"q": "国槐"}).content.decode()
    assert "老槐树" in by_filter and "活动之树" not in by_filter

    by_activity = client.get(url("tree_labels"), {"activity": planting.pk}).content.decode()
    assert "活动之树" in by_activity and "老槐树" not in by_activity

    outsider = client_for(other_community_staff).get(url("tree_labels")).content.decode()
    assert "老槐树" not in outsider and "活动之树" not in outsider


def test_labels_are_capped_with_a_message(community_staff, make_tree, monkeypatch):
    from activities.parts.trees import views

    monkeypatch.setattr(views, "MAX_LABELS", 3)
    for _ in range(4):
        make_tree()

    response = client_for(community_staff).get(url("tree_labels"))

    assert response.context["capped"] is True
    assert response.context["label_count"] == 3


def test_labels_put_eight_on_a_sheet(community_staff, make_tree):
    for _ in range(9):
        make_tree()

    response = client_for(community_staff).get(url("tree_labels"))

    assert [len(sheet) for sheet in response.context["sheets"]] == [8, 1]


def test_labels_queries_stay_flat(
    community_staff, make_tree, make_resident, django_assert_max_num_queries
):
    client = client_for(community_staff)

    def grow(count):
        for _ in range(count):
            tree = make_tree()
            actions.tree_adopt(tree=tree, adopter=make_resident(), by=community_staff)

    grow(2)
    with django_assert_max_num_queries(20) as small:
        client.get(url("tree_labels"))
    grow(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("tree_labels"))


def test_tree_qr_is_public_svg_of_the_public_url(tree):
    response = client_for(None).get(url("tree_qr", tree.tag_code))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert client_for(None).get(url("tree_qr", "unknown-code")).status_code == 404


# --- the public page -------------------------------------------------------------------------


def test_public_page_shows_only_the_masked_adopter(adopted, adopter):
    actions.care_log_add(tree=adopted, by=adopter, kind=CareLog.Kind.WATER, note="浇透了")

    response = client_for(None).get(url("tree_public", adopted.tag_code))

    page = response.content.decode()
    assert response.status_code == 200
    assert "同心树 1号" in page and "银杏" in page and "恒大华府" in page
    assert "陈*" in page
    assert "陈建国" not in page and "13800138000" not in page and "138****8000" not in page
    assert "陈小雨" not in page  # the child's name stays on the tag
    assert "浇透了" in page
    # Anonymous visitors get a login link back to this page, and no form.
    assert f"{reverse('login')}?next=/trees/{adopted.tag_code}/" in page
    assert response.context["care_form"] is None


def test_public_page_of_an_unknown_tag_is_404(db):
    assert client_for(None).get(url("tree_public", "nosuchtree")).status_code == 404


def test_public_page_offers_the_form_to_the_adopter_and_scoped_staff_only(
    adopted, adopter, street_staff, other_community_staff, make_resident
):
    def form_for(user):
        return client_for(user).get(url("tree_public", adopted.tag_code)).context["care_form"]

    assert form_for(adopter) is not None
    assert form_for(street_staff) is not None
    assert form_for(other_community_staff) is None
    assert form_for(make_resident()) is None


def test_public_page_reminds_the_adopter_when_care_is_due(make_tree, adopter, community_staff):
    tree = make_tree(planted_on=days_ago(30))
    actions.tree_adopt(tree=tree, adopter=adopter, by=community_staff)

    response = client_for(adopter).get(url("tree_public", tree.tag_code))

    assert response.context["is_adopter"] and reload(tree).condition == "needs_care"
    assert "alert-warning" in response.content.decode()


def test_replaced_tree_page_links_to_the_replacement(adopted, community_staff):
    new = actions.tree_replace(
        tree=adopted, by=community_staff, name="补种之树", species="银杏", planted_on=days_ago(0)
    )

    page = client_for(None).get(url("tree_public", adopted.tag_code)).content.decode()

    assert url("tree_public", new.tag_code) in page


def test_public_page_queries_stay_flat(adopted, adopter, django_assert_max_num_queries):
    client = client_for(adopter)
    actions.care_log_add(tree=adopted, by=adopter, kind=CareLog.Kind.WATER)
    with django_assert_max_num_queries(20) as small:
        client.get(url("tree_public", adopted.tag_code))
    for _ in range(25):
        actions.care_log_add(tree=adopted, by=adopter, kind=CareLog.Kind.VISIT)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("tree_public", adopted.tag_code))


# --- logging care ----------------------------------------------------------------------------


def test_adopter_logs_watering_with_a_photo(adopted, adopter, media_root):
    response = client_for(adopter).post(
        url("care_log_create", adopted.tag_code),
        {"kind": "water", "note": "浇透了", "photo": jpeg_upload()},
    )

    assert response.status_code == 302
    assert response.url == f"{url('tree_public', adopted.tag_code)}#timeline"
    log = CareLog.objects.get()
    assert (log.kind, log.logged_by, log.note) == ("water", adopter, "浇透了")
    assert log.adoption.adopter == adopter
    assert log.thumbnail
    assert reload(adopted).care_due_at == log.logged_at + timedelta(days=14)
    page = client_for(None).get(url("tree_public", adopted.tag_code)).content.decode()
    assert log.thumbnail.url in page


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "kind"),
        ({"kind": "dance"}, "kind"),
        ({"kind": "water", "note": "x" * 301}, "note"),
        ({"kind": "water", "note": "坏\x00字"}, "note"),
    ],
)
def test_care_log_bad_input_shows_on_the_page(adopted, adopter, data, field):
    response = client_for(adopter).post(url("care_log_create", adopted.tag_code), data)

    assert response.status_code == 200
    assert field in response.context["care_form"].errors
    assert not CareLog.objects.exists()


def test_care_log_refuses_a_broken_photo(adopted, adopter, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    broken = SimpleUploadedFile("x.jpg", b"GIF89a....", content_type="image/jpeg")
    response = client_for(adopter).post(
        url("care_log_create", adopted.tag_code), {"kind": "water", "photo": broken}
    )

    assert "photo" in response.context["care_form"].errors
    assert not CareLog.objects.exists()


def test_others_cannot_post_care(adopted, make_resident, other_community_staff):
    for user in (make_resident(), other_community_staff):
        response = client_for(user).post(
            url("care_log_create", adopted.tag_code), {"kind": "water"}
        )
        assert response.status_code == 403
    assert not CareLog.objects.exists()


def test_anonymous_care_post_goes_to_login(adopted):
    response = client_for(None).post(url("care_log_create", adopted.tag_code), {"kind": "water"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not CareLog.objects.exists()


def test_care_on_a_lost_tree_is_refused_with_a_message(adopted, adopter, community_staff):
    actions.tree_mark_lost(tree=adopted, note="枯死", by=community_staff)

    response = client_for(adopter).post(url("care_log_create", adopted.tag_code), {"kind": "water"})

    assert response.status_code == 302
    assert not CareLog.objects.exists()


def test_care_get_goes_back_to_the_tree_page(adopted, adopter):
    response = client_for(adopter).get(url("care_log_create", adopted.tag_code))
    assert response.status_code == 302
    assert client_for(adopter).post(url("care_log_create", "nosuchtree"), {}).status_code == 404


def test_staff_log_shows_as_community_staff_without_a_name(adopted, community_staff):
    client_for(community_staff).post(url("care_log_create", adopted.tag_code), {"kind": "prune"})

    log = CareLog.objects.get()
    assert log.adoption is None
    page = client_for(None).get(url("tree_public", adopted.tag_code)).content.decode()
    assert "李娜" not in page


# --- 我的 and the public activity page -------------------------------------------------------


def test_my_page_lists_my_trees_and_reminds_me(make_tree, adopter, community_staff):
    due = make_tree(name="该浇水了", planted_on=days_ago(30))
    fine = make_tree(name="刚种下", planted_on=days_ago(1))
    for tree in (due, fine):
        actions.tree_adopt(tree=tree, adopter=adopter, by=community_staff)

    response = client_for(adopter).get(url("me"))

    page = response.content.decode()
    assert "该浇水了" in page and "刚种下" in page
    assert page.count("border-warning") == 1
    assert f"{due.get_absolute_url()}#care" in page


def test_my_page_queries_stay_flat_with_trees(
    make_tree, adopter, community_staff, django_assert_max_num_queries
):
    client = client_for(adopter)
    actions.tree_adopt(tree=make_tree(), adopter=adopter, by=community_staff)
    with django_assert_max_num_queries(15) as small:
        client.get(url("me"))
    for _ in range(8):
        actions.tree_adopt(tree=make_tree(), adopter=adopter, by=community_staff)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("me"))


def test_public_activity_page_lists_planted_trees_without_names(
    planting, make_tree, adopter, community_staff
):
    tree = make_tree(name="活动之树", planting_activity=planting)
    actions.tree_adopt(tree=tree, adopter=adopter, tag_name="陈小雨", by=community_staff)

    page = client_for(None).get(url("activity_detail", planting.pk)).content.decode()

    assert "活动之树" in page and tree.get_absolute_url() in page
    assert "陈建国" not in page and "陈小雨" not in page
