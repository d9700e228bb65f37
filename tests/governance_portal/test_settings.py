"""Settings come from the environment; bad values stop start-up with a message naming them."""

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
