"""Back up the database and the uploaded files into one archive; ``restore_portal`` reads it back.

``portal-backup-YYYYmmdd-HHMMSS.tar.gz`` holds:

- ``data.json``: every row of every table as Django serialized JSON, primary keys kept so that
  foreign keys stay valid, read in one consistent snapshot of the database;
- ``media/...``: every file under ``MEDIA_ROOT``;
- ``manifest.json`` (last): when and from what it was taken, the applied migrations, the row
  count of every table, the sha256 of ``data.json`` and of each media file, and the ids of the
  content types and permissions that rows may refer to (``migrate`` recreates those with other
  ids; the restore translates the references).

Read docs/operations.md.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers import json as json_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    connections,
    models,
    router,
    transaction,
)
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"
# migrate recreates content types and permissions (with ids of its own); sessions are throw-away;
# the admin's LogEntry points at content types by id (the portal's audit log, AuditEvent, is kept).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
# Django's JSON, with whole microseconds (see Serializer below); loaddata reads it as "json".
EXACT_JSON = "json-exact"


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes and times to milliseconds (ECMA-262); a backup must
    not: ordering by ``created_at`` and the restored values would change."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(json_serializer.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = json_serializer.Deserializer


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every model whose rows are in ``data.json``, many-to-many link tables included."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    found = []
    for model in apps.get_models(include_auto_created=True):
        # A link table is dumped with the model that declares the many-to-many field.
        owner = model._meta.auto_created or model
        if (
            owner._meta.app_label in excluded_apps
            or owner._meta.label_lower in excluded_models
            or model._meta.proxy
            or not router.allow_migrate_model(using, model)
        ):
            continue
        found.append(model)
    return found


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in backed_up_models(using)
    }


class HashingReader:
    """Reads a file for ``tarfile`` and hashes exactly the bytes that went into the archive."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict:
    with open(path, "rb") as raw:
        info = tarfile.TarInfo(arcname)
        stat = os.fstat(raw.fileno())
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = HashingReader(raw)
        tar.addfile(info, reader)
    return {"path": arcname, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Files under ``root`` in a stable order, following linked folders once each."""
    seen = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file():
                yield path, path.relative_to(root).as_posix()


@contextmanager
def _snapshot(using: str):
    """One transaction that sees the whole database as it was at one moment."""
    connection = connections[using]
    if connection.in_atomic_block:
        # Called inside someone else's transaction: its view is the snapshot.
        yield
        return
    if connection.vendor == "sqlite":
        # A plain (deferred) BEGIN reads a WAL snapshot without taking the write lock that
        # the configured IMMEDIATE mode would hold, so the site keeps working during the dump.
        connection.ensure_connection()  # transaction_mode is read from OPTIONS on connecting.
        mode, connection.transaction_mode = connection.transaction_mode, None
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _references(using: str) -> tuple[dict, dict]:
    """Ids of content types and permissions, so the restore can translate references to them."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_types = {
        str(pk): [app_label, model]
        for pk, app_label, model in ContentType.objects.using(using).values_list(
            "pk", "app_label", "model"
        )
    }
    permissions = {
        str(pk): [app_label, model, codename, name]
        for pk, app_label, model, codename, name in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "content_type__model", "codename", "name"
        )
    }
    return content_types, permissions


class Command(BaseCommand):
    help = "Write the database and the uploaded files into one .tar.gz archive; print its path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="Folder for the archive (default: backups/ in the project; created if needed).",
        )

    def handle(self, *args, **options):
        using = DEFAULT_DB_ALIAS
        output = Path(options["output"] or Path(settings.BASE_DIR) / "backups").absolute()
        media_root = Path(settings.MEDIA_ROOT).absolute()
        published = media_root.resolve()
        if output.resolve() == published or published in output.resolve().parents:
            raise CommandError(
                f"The backup folder {output} is inside MEDIA_ROOT, which the web server "
                "publishes; choose a folder outside it."
            )
        try:
            output.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create the backup folder {output}: {exc}") from exc

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        archive = output / f"portal-backup-{stamp}.tar.gz"
        partial = archive.with_name(f".{archive.name}.partial")
        if archive.exists():
            raise CommandError(f"{archive} already exists; wait a second and run again.")
        try:
            # Owner-only from the first byte: the archive holds residents' personal data.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"Cannot write to the backup folder {output}: {exc}") from exc
        try:
            with os.fdopen(fd, "wb") as raw:
                self._write(raw, archive.name, output, media_root, using)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, archive)
        except BaseException as exc:
            partial.unlink(missing_ok=True)
            if isinstance(exc, OSError | DatabaseError):
                raise CommandError(f"The backup failed and was removed: {exc}") from exc
            raise
        self.stdout.write(str(archive))

    def _write(self, raw, name: str, output: Path, media_root: Path, using: str) -> None:
        connection = connections[using]
        with tempfile.TemporaryDirectory(dir=output, prefix=".portal-backup-") as scratch:
            dump = Path(scratch) / DATA
            # This module is the serializer: dumpdata names it by format.
            serializers.register_serializer(EXACT_JSON, __name__)
            with _snapshot(using):
                created_at = timezone.now()
                call_command(
                    "dumpdata",
                    format=EXACT_JSON,
                    database=using,
                    exclude=EXCLUDED,
                    natural_foreign=False,
                    natural_primary=False,
                    # Every row, even those a model's default manager would hide.
                    use_base_manager=True,
                    indent=None,
                    output=str(dump),
                    verbosity=0,
                )
                counts = row_counts(using)
                migrations: dict[str, list[str]] = {}
                for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
                    migrations.setdefault(app_label, []).append(name)
                content_types, permissions = _references(using)

            with tarfile.open(name=name, fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                data = _add_file(tar, dump, DATA)
                dump.unlink()
                media = []
                if media_root.is_dir():
                    for path, relative in _media_files(media_root):
                        entry = _add_file(tar, path, MEDIA_PREFIX + relative)
                        media.append({**entry, "path": relative})
                else:
                    self.stderr.write(f"MEDIA_ROOT {media_root} does not exist: no media saved.")
                manifest = {
                    "format": ARCHIVE_FORMAT,
                    "created_at": created_at.isoformat(),
                    "django_version": django.get_version(),
                    "database_vendor": connection.vendor,
                    "excluded": EXCLUDED,
                    "migrations": migrations,
                    "counts": counts,
                    "content_types": content_types,
                    "permissions": permissions,
                    "data": {"size": data["size"], "sha256": data["sha256"]},
                    "media": media,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(created_at.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(body))
