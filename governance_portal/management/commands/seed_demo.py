"""Load the demo data from ../shared/seed-article.txt (places, people, activities). Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities.demo import seed_activities
from activities.demo_parts import seed_activity_parts
from communities.demo import seed_places, seed_users
from communities.demo_forces import seed_forces
from governance_portal.dashboards import daily
from services.demo import seed_services
from volunteers.demo import seed_volunteers


class Command(BaseCommand):
    help = "Load the demo streets, communities, one user per role and the article's activities."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (demo users have a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates users with a published password; it runs only with "
                "DJANGO_DEBUG=1 (or --allow-production on a throw-away database)."
            )
        with transaction.atomic():
            seed_places()
            seed_users()
            seed_forces()
            seed_activities()
            seed_activity_parts()
            seed_volunteers()
            seed_services()
            # Some demo rows are written in bulk or back-dated with an UPDATE: the dashboards'
            # day rows are made again from everything.
            daily.rebuild()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
