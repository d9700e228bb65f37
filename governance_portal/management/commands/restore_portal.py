"""Restore a ``backup_portal`` archive into an empty, migrated database.

In this order, and stopping at the first problem:

1. read the whole archive and check it: only ``manifest.json``, ``data.json`` and files under
   ``media/`` with safe relative names (no absolute paths, no ``..``, no links), each file's
   sha256 as the manifest says, nothing missing and nothing extra;
2. check the database: the migrations the backup was taken with are applied, and the portal's
   tables are empty (``--force`` skips only this emptiness check);
3. write the media files into ``MEDIA_ROOT``;
4. in one transaction: translate references to content types and permissions to this
   database's ids, ``loaddata``, reset the PostgreSQL sequences, and compare every table's row
   count with the manifest. A difference rolls everything back and removes the media files
   written in step 3.

Read docs/operations.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from governance_portal import audit
from governance_portal.management.commands.backup_portal import (
    ARCHIVE_FORMAT,
    DATA,
    MANIFEST,
    MEDIA_PREFIX,
    backed_up_models,
)

# Restoring over rows of these apps would mix two portals' data.
PORTAL_APPS = ["governance_portal", "communities", "activities", "volunteers", "services"]
CHUNK = 1024 * 1024
MANIFEST_KEYS = {
    "created_at",
    "django_version",
    "database_vendor",
    "migrations",
    "counts",
    "content_types",
    "permissions",
    "data",
    "media",
}


def _sha256_of(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _safe_name(name: str) -> PurePosixPath:
    """The member's path, or an error for anything that could land outside the target folder."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or ".." in path.parts
        or (path.parts and ":" in path.parts[0])
    ):
        raise CommandError(f"Refusing the archive: unsafe member name {name!r}.")
    return path


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, mode="r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise CommandError(f"{archive} is not a readable backup archive: {exc}") from exc


def _media_path(name: PurePosixPath) -> str | None:
    """``media/a/b.jpg`` → ``a/b.jpg``; None for members outside ``media/``."""
    if name.parts[:1] == (MEDIA_PREFIX.rstrip("/"),) and len(name.parts) > 1:
        return PurePosixPath(*name.parts[1:]).as_posix()
    return None


def verify_archive(archive: Path) -> dict:
    """Read every member and check it against the manifest; change nothing. Return the
    manifest."""
    manifest_bytes = None
    found: dict[str, tuple[str, int]] = {}  # member name → (sha256, size)
    tar = _open(archive)
    try:
        with tar:
            for member in tar:
                name = _safe_name(member.name)
                if member.isdir() and (_media_path(name) or name.as_posix() == "media"):
                    continue
                if not member.isfile():
                    raise CommandError(
                        f"Refusing the archive: {member.name!r} is a link or a device, not a file."
                    )
                key = name.as_posix()
                if key != MANIFEST and key != DATA and _media_path(name) is None:
                    raise CommandError(f"Refusing the archive: unexpected member {key!r}.")
                if key in found or (key == MANIFEST and manifest_bytes is not None):
                    raise CommandError(f"Refusing the archive: {key!r} appears twice.")
                stream = tar.extractfile(member)
                if key == MANIFEST:
                    manifest_bytes = stream.read()
                else:
                    found[key] = _sha256_of(stream)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise CommandError(f"{archive} is damaged: {exc}") from exc

    if manifest_bytes is None:
        raise CommandError(f"Refusing the archive: it has no {MANIFEST}.")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise CommandError(f"Refusing the archive: {MANIFEST} is not valid JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise CommandError(
            f"Refusing the archive: not a backup_portal archive of format {ARCHIVE_FORMAT}."
        )
    absent = sorted(MANIFEST_KEYS - manifest.keys())
    if absent:
        raise CommandError(f"Refusing the archive: {MANIFEST} lacks {', '.join(absent)}.")

    expected = {DATA: (manifest["data"]["sha256"], manifest["data"]["size"])}
    for entry in manifest["media"]:
        key = MEDIA_PREFIX + _safe_name(entry["path"]).as_posix()
        expected[key] = (entry["sha256"], entry["size"])
    problems = []
    for key in sorted(expected.keys() | found.keys()):
        if key not in found:
            problems.append(f"{key} is listed in the manifest but missing")
        elif key not in expected:
            problems.append(f"{key} is not listed in the manifest")
        elif found[key] != expected[key]:
            problems.append(f"{key} does not match its sha256 in the manifest")
    if problems:
        raise CommandError(
            "Refusing the archive, nothing was changed: " + "; ".join(problems) + "."
        )
    return manifest


class Command(BaseCommand):
    help = "Restore a backup_portal archive into an empty database that `migrate` has set up."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A portal-backup-….tar.gz written by backup_portal.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the portal's tables already have rows (rows with the "
            "same id are replaced; the restore is rolled back if the result differs from "
            "the backup).",
        )

    def handle(self, *args, **options):
        using = DEFAULT_DB_ALIAS
        archive = Path(options["archive"]).absolute()
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        media_root = Path(settings.MEDIA_ROOT).absolute()

        manifest = verify_archive(archive)
        self._check_migrations(manifest, using)
        if not options["force"]:
            self._check_empty(manifest, using)
        plan = self._plan_media(manifest, media_root, force=options["force"])

        written: list[Path] = []
        try:
            with tempfile.TemporaryDirectory(prefix="portal-restore-") as scratch:
                fixture = Path(scratch) / DATA
                self._extract(archive, manifest, fixture, media_root, plan, written)
                try:
                    with transaction.atomic(using=using):
                        self._translate_references(fixture, manifest, using)
                        # The restored rows carry their own audit history: record nothing new.
                        with audit.suppressed():
                            call_command("loaddata", str(fixture), database=using, verbosity=0)
                        self._reset_sequences(manifest, using)
                        self._check_counts(manifest, using)
                except (DatabaseError, DeserializationError) as exc:
                    raise CommandError(
                        f"Loading the data failed, so nothing was restored: {exc}"
                    ) from exc
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise

        rows = sum(manifest["counts"].values())
        size = sum(entry["size"] for entry in manifest["media"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows in {len(manifest['counts'])} tables and "
                f"{len(manifest['media'])} media files ({size / 1_000_000:.1f} MB) from the "
                f"backup of {manifest['created_at']} ({manifest['database_vendor']}, Django "
                f"{manifest['django_version']})."
            )
        )
        if options["verbosity"] > 1:
            for label, count in sorted(manifest["counts"].items()):
                self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            "Sessions are not in backups: everyone logs in again. The admin's change history "
            "(admin.LogEntry) is not either; the portal's audit log is."
        )

    # --- checks that change nothing ---------------------------------------------------------

    def _check_migrations(self, manifest: dict, using: str) -> None:
        applied = set(MigrationRecorder(connections[using]).applied_migrations())
        wanted = {
            (app_label, name)
            for app_label, names in manifest["migrations"].items()
            for name in names
        }
        missing = sorted(wanted - applied)
        if missing:
            shown = ", ".join(f"{app}.{name}" for app, name in missing[:5])
            raise CommandError(
                f"The database lacks {len(missing)} migration(s) the backup was taken with "
                f"({shown}…). Deploy the same version of the portal and run `manage.py "
                "migrate` before restoring."
            )
        tables = set(connections[using].introspection.table_names())
        absent = sorted({model._meta.db_table for model in backed_up_models(using)} - tables)
        if absent:
            raise CommandError(
                f"The database has no table {', '.join(absent[:5])}: run `manage.py migrate` "
                "before restoring."
            )
        newer = sorted(applied - wanted)
        if newer:
            self.stderr.write(
                f"Note: this database has {len(newer)} migration(s) the backup did not have "
                "(a newer version of the portal); loading may fail if a table changed."
            )

    def _check_empty(self, manifest: dict, using: str) -> None:
        to_check = {
            model
            for label in PORTAL_APPS
            if label in apps.app_configs
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
        to_check.add(get_user_model())
        to_check |= {
            model
            for model in backed_up_models(using)
            if model._meta.label_lower in manifest["counts"]
        }
        in_use = sorted(
            f"{model._meta.label_lower} ({count})"
            for model in to_check
            if (count := model._base_manager.using(using).count())
        )
        if in_use:
            raise CommandError(
                "Refusing to restore into a database that already holds data: "
                + ", ".join(in_use)
                + ". Restore into a new database (create it, run `manage.py migrate`, then "
                "restore_portal), or pass --force if you are sure."
            )

    def _plan_media(self, manifest: dict, media_root: Path, *, force: bool) -> dict[str, str]:
        """Which media files to write: path → sha256, skipping identical files already there."""
        plan, clashes = {}, []
        for entry in manifest["media"]:
            relative = _safe_name(entry["path"]).as_posix()
            target = media_root / relative
            if target.is_dir():
                raise CommandError(f"MEDIA_ROOT has a folder where the file {target} goes.")
            if target.exists():
                with open(target, "rb") as existing:
                    same = _sha256_of(existing) == (entry["sha256"], entry["size"])
                if same:
                    continue
                if not force:
                    clashes.append(relative)
                    continue
            plan[relative] = entry["sha256"]
        if clashes:
            raise CommandError(
                f"MEDIA_ROOT ({media_root}) already has {len(clashes)} different files at the "
                f"backup's paths, e.g. {clashes[0]}. Restore into an empty MEDIA_ROOT, or pass "
                "--force to replace them."
            )
        return plan

    # --- writes -----------------------------------------------------------------------------

    def _extract(
        self,
        archive: Path,
        manifest: dict,
        fixture: Path,
        media_root: Path,
        plan: dict[str, str],
        written: list[Path],
    ) -> None:
        """Write data.json to ``fixture`` and the planned media files, checking each sha256
        again as it is written (the archive could have changed since it was verified)."""
        with _open(archive) as tar:
            for member in tar:
                name = _safe_name(member.name)
                relative = _media_path(name)
                if not member.isfile():
                    continue
                if name.as_posix() == DATA:
                    target, expected = fixture, manifest["data"]["sha256"]
                elif relative in plan:
                    target, expected = media_root / relative, plan[relative]
                else:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{target.name}.restoring")
                existed = target.exists()
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, open(partial, "wb") as sink:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
                if digest.hexdigest() != expected:
                    partial.unlink()
                    raise CommandError(f"{member.name} changed since it was verified; stopping.")
                os.replace(partial, target)
                if relative is not None and not existed:
                    written.append(target)

    def _translate_references(self, fixture: Path, manifest: dict, using: str) -> None:
        """Point references to content types and permissions (group permissions, generic
        foreign keys such as an audit log's) at this database's ids, which ``migrate`` chose."""
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        content_type_ids: dict[tuple[str, str], int] = {}
        translated: dict[tuple[type, int], int] = {}

        def content_type_id(app_label: str, model: str) -> int:
            if (app_label, model) not in content_type_ids:
                found, _ = ContentType.objects.db_manager(using).get_or_create(
                    app_label=app_label, model=model
                )
                content_type_ids[app_label, model] = found.pk
            return content_type_ids[app_label, model]

        def new_id(target: type, old: int) -> int:
            if (target, old) in translated:
                return translated[target, old]
            table = "content_types" if target is ContentType else "permissions"
            try:
                app_label, model, *codename_and_name = manifest[table][str(old)]
            except KeyError:
                raise CommandError(f"data.json refers to {table} id {old}, unknown.") from None
            if target is ContentType:
                pk = content_type_id(app_label, model)
            else:
                codename, name = codename_and_name
                pk = (
                    Permission.objects.db_manager(using)
                    .get_or_create(
                        content_type_id=content_type_id(app_label, model),
                        codename=codename,
                        defaults={"name": name},
                    )[0]
                    .pk
                )
            translated[target, old] = pk
            return pk

        referring: dict[str, list[models.Field]] = {}
        rows_to_translate = 0
        for model in backed_up_models(using):
            fields = [
                field
                for field in model._meta.get_fields()
                if isinstance(field, models.ForeignKey | models.ManyToManyField)
                and field.related_model in (ContentType, Permission)
            ]
            if fields:
                referring[model._meta.label_lower] = fields
            for field in fields:
                holder = field.remote_field.through if field.many_to_many else model
                rows_to_translate += manifest["counts"].get(holder._meta.label_lower, 0)
        if not rows_to_translate:
            return  # The usual case: no group or user permissions, nothing to read twice.

        with open(fixture, encoding="utf-8") as stream:
            objects = json.load(stream)
        changed = False
        for obj in objects:
            for field in referring.get(obj["model"].lower(), []):
                value = obj["fields"].get(field.name)
                if value is None:
                    continue
                if field.many_to_many:
                    obj["fields"][field.name] = [new_id(field.related_model, v) for v in value]
                else:
                    obj["fields"][field.name] = new_id(field.related_model, value)
                changed = True
        if changed:
            with open(fixture, "w", encoding="utf-8") as stream:
                json.dump(objects, stream, ensure_ascii=False)

    def _reset_sequences(self, manifest: dict, using: str) -> None:
        """Move PostgreSQL's id sequences past the restored ids, so new rows do not collide."""
        connection = connections[using]
        restored_apps = {label.split(".")[0] for label in manifest["counts"]}
        restored = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in restored_apps
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), restored)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def _check_counts(self, manifest: dict, using: str) -> None:
        differences = []
        for label, expected in sorted(manifest["counts"].items()):
            try:
                model = apps.get_model(label)
            except LookupError:
                differences.append(f"{label}: {expected} in the backup, table unknown here")
                continue
            found = model._base_manager.using(using).count()
            if found != expected:
                differences.append(f"{label}: {expected} in the backup, {found} now")
        if differences:
            raise CommandError(
                "The restored data does not match the backup, so nothing was restored: "
                + "; ".join(differences)
                + "."
            )
