"""Make the dashboards' day rows again from every row they count.

Not needed in normal running (every write keeps its day in step); for after a bulk load or a
hand-made SQL change that bypassed the portal, and to drop the rows of deleted communities.
"""

from django.core.management.base import BaseCommand

from governance_portal.dashboards import daily


class Command(BaseCommand):
    help = "Recompute the dashboards' per-day figures from the activities, signups and records."

    def handle(self, *args, **options):
        written = daily.rebuild()
        self.stdout.write(self.style.SUCCESS(f"{written} day rows written."))
