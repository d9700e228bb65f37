from django.core.management.base import BaseCommand

from communities.demo import demo_logins


class Command(BaseCommand):
    help = "Print the demo logins that seed_demo creates."

    def handle(self, *args, **options):
        self.stdout.write("Demo logins for http://127.0.0.1:8000 (role, login, password):")
        for role, login, password in demo_logins():
            self.stdout.write(f"  {role:<28} {login:<16} {password}")
