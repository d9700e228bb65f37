"""Both catalogues are complete and compiled; no marked string lacks a translation."""

import gettext
import re
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


def test_english_says_exactly_the_source_strings():
    """English is the source language. A fuzzy guess by makemessages once left other strings'
    text in English entries (a cancellation notice for a change notice)."""
    catalogue = polib.pofile(str(next(p for p in CATALOGUES if p.parts[-3] == "en")))

    wrong = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (
            entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural}
            if entry.msgid_plural
            else entry.msgstr != entry.msgid
        )
    ]

    assert wrong == []


def _zh_placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]|\{\{ ?[a-z_.]+ ?\}\}", text))


def test_chinese_keeps_every_placeholder():
    catalogue = polib.pofile(str(next(p for p in CATALOGUES if p.parts[-3] == "zh_Hans")))

    broken = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if _zh_placeholders(entry.msgid)
        != _zh_placeholders(entry.msgstr or entry.msgstr_plural.get(0, ""))
    ]

    assert broken == []


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
def test_every_marked_string_is_in_the_catalogue(monkeypatch):
    """Run makemessages and compare with the committed catalogue.

    makemessages writes into ``locale/`` beside the files it scans whatever LOCALE_PATHS says, so
    the committed catalogue is read first and put back afterwards, byte for byte.
    """
    catalogue = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
    committed_text = catalogue.read_bytes()
    monkeypatch.chdir(ROOT)
    try:
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            no_location=True,
            no_obsolete=True,
            ignore_patterns=[
                "tests/*",
                "staticfiles/*",
                "test-artifacts/*",
                "backups/*",
                ".venv/*",
            ],
            verbosity=0,
        )
        fresh = {entry.msgid for entry in polib.pofile(str(catalogue))}
    finally:
        catalogue.write_bytes(committed_text)
    committed = {entry.msgid for entry in polib.pofile(committed_text.decode())}
    assert sorted(fresh - committed) == [], "new strings: run `make messages` and translate them"
    assert sorted(committed - fresh) == [], "stale strings: run `make messages`"
