from django.core.management.base import BaseCommand
from django.utils import timezone

from governance_portal.personal_data import RETENTION_RULES
from governance_portal.retention import personal_data_purge


class Command(BaseCommand):
    help = (
        "Anonymise or delete personal data past its retention period (PORTAL_RETENTION_*_DAYS), "
        "keeping what statistics need. Run it daily; see docs/privacy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be anonymised or deleted; change nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        results = personal_data_purge(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        for result in results:
            before = timezone.localdate(result.cutoff).isoformat()
            rule = RETENTION_RULES[result.category][2]
            self.stdout.write(
                f"{result.category:<14} {verb} {result.count:>6}  "
                f"({result.days} days, before {before}: {rule})"
            )
            if result.undated:
                self.stdout.write(
                    self.style.WARNING(
                        f"{result.category:<14} {result.undated} archived records carry no date "
                        "to tell their age; review them by hand."
                    )
                )
