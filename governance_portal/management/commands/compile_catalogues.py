"""Compile locale/*/LC_MESSAGES/django.po to .mo in pure Python (polib), no GNU gettext needed.

English is the source language: every English entry is its msgid, because Django falls back to
the default language (Chinese) for entries missing from the English catalogue. Entries are reset
on each run, so a "fuzzy" guess by ``makemessages`` (another string's text) never survives.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Fill the English catalogue from the source strings and compile every catalogue."

    def handle(self, *args, **options):
        import polib  # a development tool: requirements-dev.txt

        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/django.po")):
                catalogue = polib.pofile(str(po_path), wrapwidth=100)
                if po_path.parts[-3] == "en":
                    fill_english(catalogue)
                    catalogue.save(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} ({catalogue.percent_translated()}%)")


def fill_english(catalogue) -> None:
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
