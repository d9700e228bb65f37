"""backup_portal and restore_portal: a round trip loses nothing; a bad archive changes nothing.

The restore runs its own transaction, so these tests use ``transactional_db``.
"""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

from activities.models import Activity, ActivityPhoto
from communities.demo import DEMO_PASSWORD
from communities.models import ResourceAllocation, Street, User
from governance_portal.management.commands.backup_portal import backed_up_models
from tests.factories import StreetFactory


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def backup(tmp_path: Path) -> Path:
    out = io.StringIO()
    call_command("backup_portal", output=str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip())


def restore(archive: Path, **options) -> str:
    out = io.StringIO()
    call_command("restore_portal", str(archive), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def everything() -> dict[str, list]:
    """Every backed-up row, fields and all. Permissions by name: their ids may change. Rows of
    many-to-many link tables without their own ids, which Django does not serialize."""
    rows = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        rows[label] = serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        if model._meta.auto_created:
            rows[label] = sorted(sorted(row["fields"].items()) for row in rows[label])
    return rows


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def wipe(media_root: Path) -> None:
    call_command("flush", interactive=False)
    shutil.rmtree(media_root)
    media_root.mkdir()


def rewritten(archive: Path, *, replace=None, add=None) -> Path:
    """A copy of ``archive`` with some members' bytes replaced and members added."""
    target = archive.with_name("edited.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as sink:
        for member in source:
            data = (replace or {}).get(member.name) or source.extractfile(member).read()
            member.size = len(data)
            sink.addfile(member, io.BytesIO(data))
        for info, data in add or []:
            sink.addfile(info, io.BytesIO(data) if data is not None else None)
    return target


def small_portal(media_root: Path) -> None:
    StreetFactory(name="水泊寺街道")
    (media_root / "activities").mkdir()
    (media_root / "activities" / "photo.jpg").write_bytes(b"\xff\xd8 original photo")


def test_round_trip_loses_nothing(transactional_db, media_root, tmp_path, client):
    call_command("seed_demo", allow_production=True)
    editors = Group.objects.create(name="资料员")
    editors.permissions.set(
        Permission.objects.filter(codename__in=["view_activity", "change_activity"])
    )
    admin = User.objects.get(username="admin")
    admin.groups.add(editors)
    admin.user_permissions.add(Permission.objects.get(codename="view_activity"))
    old_permission_id = Permission.objects.get(codename="view_activity").pk

    before = everything()
    activities = list(
        Activity.objects.order_by("pk").values_list("pk", "title", "starts_at", "places_taken")
    )
    users = list(User.objects.order_by("pk").values_list("pk", "username", "phone", "password"))
    photos = list(ActivityPhoto.objects.order_by("pk").values_list("pk", "image", "thumbnail"))
    allocations = list(ResourceAllocation.objects.order_by("pk").values_list("pk", "value"))
    files = media_files(media_root)
    assert activities and users and photos and allocations and files
    assert set(files) >= {name for _, image, thumb in photos for name in (image, thumb)}

    archive = backup(tmp_path)

    assert archive.name.startswith("portal-backup-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["counts"] == {label: len(rows) for label, rows in before.items()}
    assert {entry["path"]: entry["sha256"] for entry in manifest["media"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()
    }

    wipe(media_root)
    # migrate (here: flush) gives permissions ids of its own; make one differ for certain.
    view_activity = Permission.objects.get(codename="view_activity")
    view_activity.delete()
    view_activity.pk = None
    view_activity.save()
    assert view_activity.pk != old_permission_id
    assert not User.objects.exists()
    assert media_files(media_root) == {}

    summary = restore(archive)

    assert "Restored" in summary
    assert everything() == before
    assert (
        list(
            Activity.objects.order_by("pk").values_list("pk", "title", "starts_at", "places_taken")
        )
        == activities
    )
    assert (
        list(User.objects.order_by("pk").values_list("pk", "username", "phone", "password"))
        == users
    )
    assert (
        list(ActivityPhoto.objects.order_by("pk").values_list("pk", "image", "thumbnail")) == photos
    )
    assert list(ResourceAllocation.objects.order_by("pk").values_list("pk", "value")) == allocations
    assert media_files(media_root) == files
    admin = User.objects.get(username="admin")
    assert set(admin.groups.get().permissions.values_list("codename", flat=True)) == {
        "view_activity",
        "change_activity",
    }
    assert admin.has_perm("activities.view_activity")

    assert client.login(username="admin", password=DEMO_PASSWORD)
    # New rows get fresh ids (PostgreSQL's sequences were moved past the restored ones).
    copy = Activity.objects.order_by("pk").first()
    copy.pk, copy._state.adding = None, True
    copy.save()
    new_user = User.objects.create_user(username="after_restore", password="Another#2026pw")
    assert copy.pk > max(pk for pk, *_ in activities)
    assert new_user.pk > max(pk for pk, *_ in users)


def test_restore_into_a_database_with_data_is_refused(transactional_db, media_root, tmp_path):
    small_portal(media_root)
    archive = backup(tmp_path)
    before, files = everything(), media_files(media_root)

    with pytest.raises(CommandError, match=r"already holds data: .*communities\.street \(1\)"):
        restore(archive)

    assert everything() == before
    assert media_files(media_root) == files


def test_forced_restore_that_does_not_match_the_backup_is_rolled_back(
    transactional_db, media_root, tmp_path
):
    small_portal(media_root)
    archive = backup(tmp_path)
    wipe(media_root)
    Group.objects.create(name="left over")  # not in the backup

    with pytest.raises(CommandError, match=r"auth\.group: 0 in the backup, 1 now"):
        restore(archive, force=True)

    assert not Street.objects.exists()
    assert media_files(media_root) == {}


def test_restore_does_not_overwrite_other_media_files(transactional_db, media_root, tmp_path):
    small_portal(media_root)
    archive = backup(tmp_path)
    call_command("flush", interactive=False)
    (media_root / "activities" / "photo.jpg").write_bytes(b"another portal's photo")

    with pytest.raises(CommandError, match="different files at the backup's paths"):
        restore(archive)

    assert not Street.objects.exists()
    assert media_files(media_root) == {"activities/photo.jpg": b"another portal's photo"}


@pytest.mark.parametrize(
    ("member", "old", "new"),
    [
        ("media/activities/photo.jpg", b"original", b"tampered"),
        ("data.json", "水泊寺".encode(), "鹿苑".encode()),
    ],
)
def test_tampered_archive_is_refused_before_anything_changes(
    transactional_db, media_root, tmp_path, member, old, new
):
    small_portal(media_root)
    archive = backup(tmp_path)
    with tarfile.open(archive) as tar:
        original = tar.extractfile(member).read()
    tampered = rewritten(archive, replace={member: original.replace(old, new)})
    wipe(media_root)

    with pytest.raises(CommandError, match=f"{member} does not match its sha256"):
        restore(tampered)

    assert not Street.objects.exists()
    assert media_files(media_root) == {}


@pytest.mark.parametrize(
    "name", ["../evil", "media/../../evil", "/tmp/portal-restore-evil", "media\\..\\..\\evil"]
)
def test_archive_with_a_path_outside_the_media_folder_is_refused(
    transactional_db, media_root, tmp_path, name
):
    small_portal(media_root)
    archive = backup(tmp_path)
    wipe(media_root)
    info = tarfile.TarInfo(name)
    info.size = 4
    evil = rewritten(archive, add=[(info, b"evil")])

    with pytest.raises(CommandError, match="unsafe member name"):
        restore(evil)

    assert not Street.objects.exists()
    assert media_files(media_root) == {}
    assert not (tmp_path / "evil").exists()
    assert not Path("/tmp/portal-restore-evil").exists()


def test_archive_with_a_link_is_refused(transactional_db, media_root, tmp_path):
    small_portal(media_root)
    archive = backup(tmp_path)
    wipe(media_root)
    link = tarfile.TarInfo("media/activities/passwd")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"

    with pytest.raises(CommandError, match="is a link"):
        restore(rewritten(archive, add=[(link, None)]))

    assert media_files(media_root) == {}


def test_archive_without_a_manifest_is_refused(transactional_db, media_root, tmp_path):
    small_portal(media_root)
    archive = backup(tmp_path)
    stripped = archive.with_name("stripped.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(stripped, "w:gz") as sink:
        for member in source:
            if member.name != "manifest.json":
                sink.addfile(member, source.extractfile(member))
    wipe(media_root)

    with pytest.raises(CommandError, match="no manifest.json"):
        restore(stripped)

    assert media_files(media_root) == {}


def test_a_file_that_is_not_an_archive_is_refused(transactional_db, media_root, tmp_path):
    junk = tmp_path / "portal-backup-junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")

    with pytest.raises(CommandError, match="not a readable backup archive"):
        restore(junk)


def test_restore_before_migrate_names_the_missing_step(transactional_db, media_root, tmp_path):
    small_portal(media_root)
    archive = backup(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    manifest["migrations"]["communities"].append("9999_from_a_newer_portal")
    newer = rewritten(archive, replace={"manifest.json": json.dumps(manifest).encode()})
    wipe(media_root)

    with pytest.raises(CommandError, match="manage.py migrate"):
        restore(newer)


def test_backup_into_an_unwritable_folder_fails_clearly(transactional_db, media_root, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    with pytest.raises(CommandError, match="Cannot create the backup folder"):
        call_command("backup_portal", output=str(tmp_path / "a-file" / "backups"))


def test_backup_refuses_a_folder_the_web_server_publishes(transactional_db, media_root):
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup_portal", output=str(media_root / "backups"))

    assert media_files(media_root) == {}


def test_content_type_references_are_translated(transactional_db, media_root, tmp_path):
    """Group permissions point at permissions by id; after migrate those ids differ."""
    editors = Group.objects.create(name="资料员")
    editors.permissions.add(Permission.objects.get(codename="add_street"))
    archive = backup(tmp_path)
    wipe(media_root)
    street_type = ContentType.objects.get(app_label="communities", model="street")
    Permission.objects.filter(content_type=street_type).delete()
    ContentType.objects.filter(pk=street_type.pk).delete()

    restore(archive)

    permission = Group.objects.get(name="资料员").permissions.get()
    assert (permission.content_type.app_label, permission.content_type.model) == (
        "communities",
        "street",
    )
    assert permission.codename == "add_street"
