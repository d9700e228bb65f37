"""Both catalogues are complete and compiled; no marked string lacks a translation."""

import gettext
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


def test_both_languages_have_a_catalogue():
    assert {path.parts[-3] for path in CATALOGUES} == {"zh_Hans", "en"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_is_complete(po_path):
    catalogue = polib.pofile(str(po_path))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_matches_its_source(po_path):
    catalogue = polib.pofile(str(po_path))
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, (
            f"{po_path.parts[-3]}: {entry.msgid!r} — run `make messages`"
        )


@pytest.mark.skipif(
    not shutil.which("xgettext"), reason="needs GNU gettext (apt-get install gettext)"
)
def test_every_marked_string_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """Run makemessages into a scratch locale folder and compare with the committed catalogue."""
    scratch = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", scratch)
    settings.LOCALE_PATHS = [scratch]
    monkeypatch.chdir(ROOT)

    call_command(
        "makemessages",
        locale=["zh_Hans"],
        no_location=True,
        no_obsolete=True,
        ignore_patterns=["tests/*", "staticfiles/*", "test-artifacts/*"],
        verbosity=0,
    )

    fresh = {entry.msgid for entry in polib.pofile(str(scratch / "zh_Hans/LC_MESSAGES/django.po"))}
    committed = {
        entry.msgid for entry in polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    }
    assert sorted(fresh - committed) == [], "new strings: run `make messages` and translate them"
    assert sorted(committed - fresh) == [], "stale strings: run `make messages`"
