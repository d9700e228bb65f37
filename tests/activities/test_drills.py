"""Fire drills: the drill report (forms and formsets), the drills page, the public summary.

Tests go through the views as staff would; messages are checked by data and status, never by
translated text.
"""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from activities import kinds
from activities.models import Activity, DrillAction, DrillGroup, DrillReport
from activities.parts.drills import actions
from communities.models import OutsideUnit
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for

# --- helpers ---------------------------------------------------------------------------------


def url(name: str, *args) -> str:
    return reverse(f"activities:{name}", args=args)


def make_drill(community, days_ago=1, **fields) -> Activity:
    starts_at = timezone.now() - timedelta(days=days_ago)
    return ActivityFactory(
        community=community,
        kind=Activity.Kind.FIRE_DRILL,
        title=fields.pop("title", "消防疏散演练"),
        starts_at=starts_at,
        **fields,
    )


def make_unit(street, community=None, name="平城区41小", **fields) -> OutsideUnit:
    return OutsideUnit.objects.create(
        street=street, community=community, name=name, kind=OutsideUnit.Kind.SCHOOL, **fields
    )


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def report_data(unit=None, time="2:35", groups=None, follow_ups=None, **overrides) -> dict:
    groups = (
        [{"name": "学生", "people": "420"}, {"name": "教师", "people": "35"}]
        if (groups is None)
        else groups
    )
    follow_ups = (
        [{"action": "清理三楼楼梯间杂物", "owner": "物业 王师傅", "due_on": "2030-05-01"}]
        if follow_ups is None
        else follow_ups
    )
    data = {
        "report-partner_unit": unit.pk if unit else "",
        "report-evacuation_seconds": time,
        "report-findings": "三楼楼梯间堆放杂物，疏散较慢。",
        **formset("groups", groups),
        **formset("actions", follow_ups),
    }
    return data | overrides


def save_report(activity, by, seconds=155, groups=None, follow_ups=None, unit=None):
    return actions.drill_report_save(
        activity=activity,
        by=by,
        partner_unit=unit,
        evacuation_seconds=seconds,
        findings="",
        groups=groups or [{"name": "居民", "people": 60}],
        actions=follow_ups or [],
    )


@pytest.fixture
def drill(community, community_staff):
    return make_drill(community, created_by=community_staff)


@pytest.fixture
def school(street, community):
    return make_unit(street, community)


# --- the drill report -----------------------------------------------------------------------


def test_staff_write_a_drill_report(as_user, community_staff, drill, school):
    response = as_user(community_staff).post(url("drill_report", drill.pk), report_data(school))

    assert response.status_code == 302
    report = DrillReport.objects.get()
    assert (report.activity, report.partner_unit, report.evacuation_seconds) == (drill, school, 155)
    assert report.written_by == community_staff
    assert [(g.name, g.people) for g in report.groups.all()] == [("学生", 420), ("教师", 35)]
    follow_up = report.actions.get()
    assert (follow_up.owner, follow_up.due_on, follow_up.done) == (
        "物业 王师傅",
        date(2030, 5, 1),
        False,
    )


@pytest.mark.parametrize(
    ("typed", "seconds"), [("155", 155), ("2:35", 155), ("2：35", 155), (" 10:00 ", 600)]
)
def test_evacuation_time_in_seconds_or_minutes(as_user, community_staff, drill, typed, seconds):
    response = as_user(community_staff).post(url("drill_report", drill.pk), report_data(time=typed))

    assert response.status_code == 302
    assert DrillReport.objects.get().evacuation_seconds == seconds


@pytest.mark.parametrize("typed", ["", "0", "-5", "7201", "abc", "2:75", "2:5", "1.5", "9" * 30])
def test_evacuation_time_out_of_range_or_unreadable_is_refused(
    as_user, community_staff, drill, typed
):
    response = as_user(community_staff).post(url("drill_report", drill.pk), report_data(time=typed))

    assert response.status_code == 200
    assert response.context["form"].errors["evacuation_seconds"]
    assert not DrillReport.objects.exists()


def test_duplicate_group_is_refused_on_its_row(as_user, community_staff, drill):
    groups = [{"name": "学生", "people": "400"}, {"name": " 学生 ", "people": "20"}]

    response = as_user(community_staff).post(
        url("drill_report", drill.pk), report_data(groups=groups)
    )

    assert response.status_code == 200
    rows = response.context["groups"].forms
    assert not rows[0].errors and rows[1].errors["name"]
    assert not DrillReport.objects.exists()


def test_at_least_one_group_is_needed(as_user, community_staff, drill):
    empty = [{"name": "", "people": ""}]

    response = as_user(community_staff).post(
        url("drill_report", drill.pk), report_data(groups=empty)
    )

    assert response.status_code == 200
    assert response.context["groups"].non_form_errors()
    assert not DrillReport.objects.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"name": "学生", "people": "0"},
        {"name": "学生", "people": "-3"},
        {"name": "学生", "people": "abc"},
        {"name": "学生", "people": "100001"},
        {"name": "", "people": "20"},
        {"name": "x" * 41, "people": "20"},
    ],
)
def test_bad_group_rows_show_errors_and_save_nothing(as_user, community_staff, drill, row):
    groups = [{"name": "教师", "people": "35"}, row]

    response = as_user(community_staff).post(
        url("drill_report", drill.pk), report_data(groups=groups)
    )

    assert response.status_code == 200
    rows = response.context["groups"].forms
    assert not rows[0].errors and rows[1].errors
    assert not DrillReport.objects.exists() and not DrillGroup.objects.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"action": "清理杂物", "owner": "", "due_on": "2030-05-01"},
        {"action": "", "owner": "王师傅", "due_on": "2030-05-01"},
        {"action": "清理杂物", "owner": "王师傅", "due_on": "9999-01-01"},
        {"action": "清理杂物", "owner": "王师傅", "due_on": "not a date"},
        {"action": "x" * 301, "owner": "王师傅", "due_on": "2030-05-01"},
    ],
)
def test_bad_follow_up_rows_show_errors_and_save_nothing(as_user, community_staff, drill, row):
    response = as_user(community_staff).post(
        url("drill_report", drill.pk), report_data(follow_ups=[row])
    )

    assert response.status_code == 200
    assert response.context["follow_ups"].forms[0].errors
    assert not DrillReport.objects.exists()


def test_partner_unit_out_of_scope_is_refused(
    as_user, community_staff, drill, street, sibling_community, other_street, school
):
    neighbours = make_unit(street, sibling_community, name="向西街幼儿园")
    elsewhere = make_unit(other_street, name="鹿苑中学")
    archived = make_unit(street, name="旧厂", archived=True)
    whole_street = make_unit(street, name="街道消防站")
    client = as_user(community_staff)

    offered = client.get(url("drill_report", drill.pk)).context["form"].fields["partner_unit"]
    assert set(offered.queryset) == {school, whole_street}

    for unit in (neighbours, elsewhere, archived):
        response = client.post(url("drill_report", drill.pk), report_data(unit))
        assert response.status_code == 200 and response.context["form"].errors["partner_unit"]
    assert not DrillReport.objects.exists()

    with pytest.raises(Exception, match="."):
        save_report(drill, community_staff, unit=neighbours)


def test_editing_keeps_done_at_and_removes_dropped_actions(as_user, community_staff, drill):
    report = save_report(
        drill,
        community_staff,
        follow_ups=[
            {
                "pk": None,
                "action": "换灭火器",
                "owner": "李",
                "due_on": date(2030, 1, 1),
                "done": True,
            },
            {
                "pk": None,
                "action": "贴指示牌",
                "owner": "张",
                "due_on": date(2030, 1, 1),
                "done": False,
            },
        ],
    )
    done, dropped = report.actions.order_by("pk")
    first_done_at = done.done_at
    assert first_done_at is not None and dropped.done_at is None
    group = report.groups.get()

    data = report_data(
        groups=[{"id": group.pk, "name": "居民", "people": "65"}],
        follow_ups=[
            {
                "id": done.pk,
                "action": "换灭火器",
                "owner": "李",
                "due_on": "2030-01-01",
                "done": "on",
            },
            {
                "id": dropped.pk,
                "action": "贴指示牌",
                "owner": "张",
                "due_on": "2030-01-01",
                "DELETE": "on",
            },
        ],
    )
    data["groups-INITIAL_FORMS"] = "1"
    data["actions-INITIAL_FORMS"] = "2"
    response = as_user(community_staff).post(url("drill_report", drill.pk), data)

    assert response.status_code == 302
    done.refresh_from_db()
    assert done.done_at == first_done_at
    assert not DrillAction.objects.filter(pk=dropped.pk).exists()
    assert list(DrillGroup.objects.values_list("name", "people")) == [("居民", 65)]


def test_an_action_of_another_report_cannot_be_edited_through_this_one(
    as_user, community_staff, community, drill
):
    other = save_report(
        make_drill(community, title="另一场演练"),
        community_staff,
        follow_ups=[
            {"pk": None, "action": "原样", "owner": "李", "due_on": date(2030, 1, 1), "done": False}
        ],
    )
    foreign = other.actions.get()
    data = report_data(
        follow_ups=[{"id": foreign.pk, "action": "篡改", "owner": "李", "due_on": "2030-01-01"}]
    )
    data["actions-INITIAL_FORMS"] = "1"

    response = as_user(community_staff).post(url("drill_report", drill.pk), data)

    assert response.status_code in {200, 302}
    foreign.refresh_from_db()
    assert foreign.action == "原样"


def test_drill_report_refuses_other_kinds_and_future_drills(
    as_user, community_staff, community, activity
):
    future = make_drill(community, days_ago=-3)
    client = as_user(community_staff)

    for refused in (activity, future):
        page = client.get(url("drill_report", refused.pk))
        assert page.status_code == 200 and page.context["refusal"]
        assert client.post(url("drill_report", refused.pk), report_data()).status_code == 302
    assert not DrillReport.objects.exists()


def test_drill_report_is_404_for_outsiders_and_403_for_residents(
    as_user, drill, other_community_staff, sibling_community_staff, resident
):
    for outsider in (other_community_staff, sibling_community_staff):
        assert as_user(outsider).get(url("drill_report", drill.pk)).status_code == 404
        assert (
            as_user(outsider).post(url("drill_report", drill.pk), report_data()).status_code == 404
        )
    assert as_user(resident).get(url("drill_report", drill.pk)).status_code == 403
    anonymous = as_user(None).get(url("drill_report", drill.pk))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert not DrillReport.objects.exists()


def test_street_staff_report_a_street_wide_drill(as_user, street_staff, street):
    unit = make_unit(street, name="街道消防站")
    street_drill = make_drill(None, street=street)

    response = as_user(street_staff).post(url("drill_report", street_drill.pk), report_data(unit))

    assert response.status_code == 302
    assert DrillReport.objects.get().partner_unit == unit


# --- ticking a follow-up done -------------------------------------------------------------------


def test_quick_done_sets_done_at_once(as_user, community_staff, drill):
    report = save_report(
        drill,
        community_staff,
        follow_ups=[
            {
                "pk": None,
                "action": "换灭火器",
                "owner": "李",
                "due_on": date(2030, 1, 1),
                "done": False,
            }
        ],
    )
    item = report.actions.get()
    client = as_user(community_staff)

    response = client.post(url("drill_action_done", item.pk))
    assert response.status_code == 302
    item.refresh_from_db()
    first = item.done_at
    assert item.done and first is not None

    client.post(url("drill_action_done", item.pk))
    item.refresh_from_db()
    assert item.done_at == first


def test_quick_done_is_404_for_outsiders(as_user, community_staff, other_community_staff, drill):
    report = save_report(
        drill,
        community_staff,
        follow_ups=[
            {
                "pk": None,
                "action": "换灭火器",
                "owner": "李",
                "due_on": date(2030, 1, 1),
                "done": False,
            }
        ],
    )
    item = report.actions.get()

    assert as_user(other_community_staff).post(url("drill_action_done", item.pk)).status_code == 404
    item.refresh_from_db()
    assert not item.done


# --- the drills page --------------------------------------------------------------------------


def test_drills_page_lists_drills_with_times_and_open_follow_ups(
    as_user, community_staff, community, school
):
    old = make_drill(community, days_ago=90, title="春季演练")
    new = make_drill(community, days_ago=5, title="秋季演练")
    unreported = make_drill(community, days_ago=1, title="冬季演练")
    save_report(old, community_staff, seconds=200, unit=school)
    save_report(
        new,
        community_staff,
        seconds=155,
        groups=[{"name": "学生", "people": 420}, {"name": "教师", "people": 35}],
        follow_ups=[
            {
                "pk": None,
                "action": "逾期事项",
                "owner": "李",
                "due_on": date(2020, 1, 1),
                "done": False,
            },
            {
                "pk": None,
                "action": "已办事项",
                "owner": "张",
                "due_on": date(2020, 1, 1),
                "done": True,
            },
        ],
    )

    response = as_user(community_staff).get(url("drill_list"))

    assert response.status_code == 200 and response.context["community"] == community
    drills = list(response.context["object_list"])
    assert drills == [old, new, unreported]
    assert (drills[1].participants, drills[1].open_actions) == (455, 1)
    page = response.content.decode()
    assert "3:20" in page and "2:35" in page and "平城区41小" in page
    assert [p.value for p in response.context["chart"].points] == [200, 155]
    assert 'role="img"' in page and "<polyline" in page
    open_items = list(response.context["actions_page"].object_list)
    assert [item.action for item in open_items] == ["逾期事项"]
    assert "list-group-item-danger" in page


def test_drills_page_offers_only_communities_in_scope(
    as_user, community_staff, other_community, sibling_community
):
    make_drill(other_community, title="别处的演练")
    client = as_user(community_staff)

    response = client.get(url("drill_list"), {"community": other_community.pk})

    assert response.status_code == 200 and response.context["pick"].errors
    assert list(response.context["object_list"]) == []
    assert "别处的演练" not in response.content.decode()
    assert client.get(url("drill_list"), {"community": "abc"}).status_code == 200


def test_street_staff_choose_a_community(as_user, street_staff, community, sibling_community):
    make_drill(sibling_community, title="向西街演练")

    response = as_user(street_staff).get(url("drill_list"), {"community": sibling_community.pk})

    assert [d.title for d in response.context["object_list"]] == ["向西街演练"]


def test_drills_page_refuses_residents_and_anonymous(as_user, resident):
    assert as_user(resident).get(url("drill_list")).status_code == 403
    anonymous = as_user(None).get(url("drill_list"))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]


# --- the public activity page part ------------------------------------------------------------


def test_public_summary_shows_no_findings_or_follow_ups(as_user, community_staff, drill, school):
    actions.drill_report_save(
        activity=drill,
        by=community_staff,
        partner_unit=school,
        evacuation_seconds=155,
        findings="三楼楼梯间堆放杂物",
        groups=[{"name": "学生", "people": 420}],
        actions=[
            {
                "pk": None,
                "action": "清理杂物",
                "owner": "王师傅",
                "due_on": date(2030, 1, 1),
                "done": False,
            }
        ],
    )

    page = as_user(None).get(url("activity_detail", drill.pk)).content.decode()

    assert "平城区41小" in page and "2:35" in page and "学生 420" in page
    assert "三楼楼梯间堆放杂物" not in page and "清理杂物" not in page and "王师傅" not in page


def test_public_summary_uses_at_most_two_queries(
    community_staff, drill, django_assert_max_num_queries
):
    save_report(drill, community_staff, groups=[{"name": f"组{i}", "people": 5} for i in range(6)])
    activity = Activity.objects.get(pk=drill.pk)

    with django_assert_max_num_queries(2):
        template_name, context = kinds.public_part(activity)
        html = render_to_string(template_name, {"activity": activity, **context})

    assert "组5 5" in html


# --- query counts -----------------------------------------------------------------------------


def count_queries(client, page, django_assert_max_num_queries, bound=40) -> int:
    client.get(page)  # the first request of a session does its own bookkeeping
    with django_assert_max_num_queries(bound) as captured:
        assert client.get(page).status_code == 200
    return len(captured.captured_queries)


def add_drills(community, by, count: int, school=None):
    for index in range(count):
        drill = make_drill(community, days_ago=10 + index, title=f"演练{index}")
        save_report(
            drill,
            by,
            seconds=100 + index,
            unit=school,
            groups=[{"name": "学生", "people": 10}, {"name": "教师", "people": 2}],
            follow_ups=[
                {
                    "pk": None,
                    "action": f"事项{index}",
                    "owner": "李",
                    "due_on": date(2020, 1, 1),
                    "done": False,
                }
            ],
        )


def test_drill_list_queries_stay_flat(
    community_staff, community, school, django_assert_max_num_queries
):
    client = client_for(community_staff)
    add_drills(community, community_staff, 1, school)
    small = count_queries(client, url("drill_list"), django_assert_max_num_queries)

    add_drills(community, community_staff, 8, school)
    assert count_queries(client, url("drill_list"), django_assert_max_num_queries) == small


def test_drill_report_queries_stay_flat(
    community_staff, drill, school, django_assert_max_num_queries
):
    client = client_for(community_staff)
    page = url("drill_report", drill.pk)
    save_report(drill, community_staff, unit=school)
    small = count_queries(client, page, django_assert_max_num_queries)

    save_report(
        drill,
        community_staff,
        unit=school,
        groups=[{"name": f"组{i}", "people": 5} for i in range(8)],
        follow_ups=[
            {
                "pk": None,
                "action": f"事项{i}",
                "owner": "李",
                "due_on": date(2030, 1, 1),
                "done": False,
            }
            for i in range(6)
        ],
    )
    assert count_queries(client, page, django_assert_max_num_queries) == small
