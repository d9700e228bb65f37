"""Settings come from the environment; bad values stop start-up with a message naming them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "a-long-enough-production-secret-key-0123456789"


def start(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, as `manage.py` would."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PORTAL_"))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="governance_portal.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_mode_starts_with_the_development_key():
    assert start(DJANGO_DEBUG="1").returncode == 0


def test_production_refuses_the_development_key():
    result = start(DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_key():
    assert start(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=GOOD_KEY).returncode == 0


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DJANGO_HSTS_SECONDS", "a year"),
        ("DJANGO_HSTS_SECONDS", "-1"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("LOG_LEVEL", "LOUD"),
        ("SESSION_COOKIE_AGE", "10"),
        ("DJANGO_SECRET_KEY", "short"),
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(variable, value):
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": GOOD_KEY, variable: value}

    result = start(**env)

    assert result.returncode != 0
    assert variable in result.stderr


def test_every_variable_is_documented():
    settings_source = (ROOT / "governance_portal" / "settings.py").read_text()
    documented = (ROOT / "docs" / "configuration.md").read_text()
    example = (ROOT / ".env.example").read_text()
    import re

    variables = set(
        re.findall(r'env_(?:str|bool|int|list|choice)\(\s*"([A-Z_]+)"', settings_source)
    )
    assert variables, "no variables found: has the settings module changed its readers?"
    for variable in variables:
        assert f"`{variable}`" in documented, f"{variable} is missing from docs/configuration.md"
        assert f"{variable}=" in example, f"{variable} is missing from .env.example"


# --- scale out: Redis, object storage, a read replica (docs/deploy.md) ---------------------


def read_settings(code: str, **env) -> dict:
    """Run ``code`` (which sets ``result``) after start-up with ``env``; give back ``result``."""
    environment = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": GOOD_KEY, **env}
    script = f"import django, json\ndjango.setup()\n{code}\nprint(json.dumps(result))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **{
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("DJANGO_", "DATABASE_", "PORTAL_", "REDIS_"))
            },
            **environment,
            "DJANGO_SETTINGS_MODULE": "governance_portal.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SESSIONS_AND_CACHE = """
from django.conf import settings
caches = settings.CACHES
result = [settings.SESSION_ENGINE, caches["default"]["BACKEND"], caches["pages"]["BACKEND"]]
"""


def test_without_redis_sessions_stay_in_the_database_and_the_cache_in_the_process():
    assert read_settings(SESSIONS_AND_CACHE) == [
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.locmem.LocMemCache",  # pages, a store of their own
    ]


def test_with_redis_sessions_and_cache_are_shared_and_the_database_stays_the_truth():
    assert read_settings(SESSIONS_AND_CACHE, REDIS_URL="redis://127.0.0.1:6379/0") == [
        "django.contrib.sessions.backends.cached_db",
        # Django's RedisCache, with one client per connection pool (test_cache_backends.py).
        "governance_portal.cache_backends.ReusedClientRedisCache",
        "governance_portal.cache_backends.ReusedClientRedisCache",
    ]


S3 = {
    "PORTAL_S3_BUCKET": "portal-media",
    "PORTAL_S3_ENDPOINT_URL": "https://oss-cn-beijing.example.cn",
    "PORTAL_S3_ACCESS_KEY_ID": "test-key-id",
    "PORTAL_S3_SECRET_ACCESS_KEY": "test-secret",
    "PORTAL_S3_REGION": "cn-beijing",
}


MEDIA = """
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
result = {
    "class": f"{type(storage).__module__}.{type(storage).__name__}",
    "options": settings.STORAGES["default"].get("OPTIONS", {}),
    "url": storage.url("volunteers/2026/11/evidence.jpg"),
    "sources": settings.MEDIA_SOURCES,
}
"""


def test_without_a_bucket_media_stay_on_the_local_disk():
    result = read_settings(MEDIA)

    assert result["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert (result["url"], result["sources"]) == ("/media/volunteers/2026/11/evidence.jpg", [])


def test_with_a_bucket_media_go_to_private_object_storage_behind_signed_links():
    # Signing a link is local: no object storage is needed to check the wiring.
    result = read_settings(MEDIA, **S3)

    assert result["class"] == "storages.backends.s3.S3Storage"
    options = result["options"]
    assert (options["bucket_name"], options["default_acl"]) == ("portal-media", "private")
    assert (options["querystring_auth"], options["file_overwrite"]) == (True, False)
    assert result["url"].startswith("https://")
    assert "oss-cn-beijing.example.cn" in result["url"]
    assert "volunteers/2026/11/evidence.jpg?" in result["url"]
    assert "X-Amz-Signature=" in result["url"] and "X-Amz-Expires=3600" in result["url"]
    assert result["sources"] == [
        "https://oss-cn-beijing.example.cn",
        "https://*.oss-cn-beijing.example.cn",
    ]


def test_a_custom_media_domain_gives_plain_links_on_that_domain():
    result = read_settings(MEDIA, **S3, PORTAL_S3_CUSTOM_DOMAIN="media.example.gov.cn")

    assert result["url"] == "https://media.example.gov.cn/volunteers/2026/11/evidence.jpg"
    assert result["sources"] == ["https://media.example.gov.cn"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORTAL_S3_ENDPOINT_URL": "https://oss.example.cn"}, "PORTAL_S3_BUCKET"),
        ({**S3, "PORTAL_S3_ENDPOINT_URL": "oss.example.cn"}, "PORTAL_S3_ENDPOINT_URL"),
        ({**S3, "PORTAL_S3_ADDRESSING_STYLE": "sideways"}, "PORTAL_S3_ADDRESSING_STYLE"),
        ({"DATABASE_REPLICA_URL": "nosuchdb://x"}, "DATABASE_REPLICA_URL"),
    ],
)
def test_bad_scale_out_settings_stop_start_up_naming_the_variable(env, named):
    result = start(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=GOOD_KEY, **env)

    assert result.returncode != 0
    assert named in result.stderr


REPLICA = """
from django.conf import settings
from governance_portal.db_router import reporting_database
result = {
    "aliases": sorted(settings.DATABASES),
    "replica": settings.DATABASES.get("replica", {}).get("HOST"),
    "test": settings.DATABASES.get("replica", {}).get("TEST", {}).get("MIRROR"),
    "routers": settings.DATABASE_ROUTERS,
    "reports": reporting_database(),
}
"""


def test_without_a_replica_reports_read_the_primary():
    assert read_settings(REPLICA) == {
        "aliases": ["default"],
        "replica": None,
        "test": None,
        "routers": [],
        "reports": "default",
    }


def test_with_a_replica_reports_may_read_it_and_tests_mirror_the_primary():
    result = read_settings(
        REPLICA,
        DATABASE_URL="postgres://portal@db-primary:5432/portal",
        DATABASE_REPLICA_URL="postgres://portal_ro@db-replica:5432/portal",
    )

    assert result == {
        "aliases": ["default", "replica"],
        "replica": "db-replica",
        "test": "default",
        "routers": ["governance_portal.db_router.PrimaryReplicaRouter"],
        "reports": "replica",
    }


def test_the_router_writes_and_migrates_on_the_primary_only():
    from activities.models import Activity
    from governance_portal.db_router import PrimaryReplicaRouter

    router = PrimaryReplicaRouter()
    from_replica, from_primary = Activity(), Activity()
    from_replica._state.db, from_primary._state.db = "replica", "default"

    assert router.db_for_read(Activity) is None  # only an explicit .using() reads the replica
    assert router.db_for_write(Activity, instance=from_replica) == "default"
    assert router.allow_relation(from_replica, from_primary) is True
    assert router.allow_migrate("default", "activities") is True
    assert router.allow_migrate("replica", "activities") is False
