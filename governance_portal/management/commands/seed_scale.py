"""Load reproducible city-scale benchmark data (governance_portal.scale, docs/performance.md)."""

import dataclasses
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance_portal import scale

OVERRIDES = ("activities", "signups", "residents", "communities", "streets")


class Command(BaseCommand):
    help = (
        "Load reproducible city-scale data for benchmarks: streets, communities, residents, "
        "activities with signups, volunteers, service stations, trees. Needs a fresh database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=sorted(scale.SIZES),
            default="S",
            help="S: 1,000 activities, 10,000 signups; L: 100,000 activities, 1,000,000 signups.",
        )
        for name in OVERRIDES:
            parser.add_argument(f"--{name}", type=int, help=f"Number of {name} (overrides --size).")
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED)
        parser.add_argument(
            "--password",
            default=scale.DEFAULT_PASSWORD,
            help="The password of every generated account.",
        )
        parser.add_argument(
            "--manifest", type=Path, help="Write the accounts and ids the benchmark needs here."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (the accounts have a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_scale creates users with a published password; it runs only with "
                "DJANGO_DEBUG=1 (or --allow-production on a throw-away database)."
            )
        overrides = {name: options[name] for name in OVERRIDES if options[name] is not None}
        sizes = dataclasses.replace(scale.SIZES[options["size"]], **overrides)
        try:
            sizes.check()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if scale.scale_data_exists():
            raise CommandError(
                f"This database already holds scale data ({scale.street_name(0)}). "
                "seed_scale runs once, on a fresh database: create a new one and migrate."
            )
        started = time.monotonic()

        def report(step: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{time.monotonic() - started:7.1f} s  {step}")

        try:
            manifest = scale.load(
                seed=options["seed"], sizes=sizes, password=options["password"], report=report
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        manifest.seconds = round(time.monotonic() - started, 1)
        self._print(manifest)
        if options["manifest"]:
            options["manifest"].write_text(
                json.dumps(manifest.as_dict(), ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
            self.stdout.write(f"Manifest written to {options['manifest']}.")

    def _print(self, manifest: scale.Manifest) -> None:
        write = self.stdout.write
        for label, count in manifest.rows.items():
            size = manifest.table_bytes.get(label, None)
            write(f"  {label:32} {count:>10,}" + (f"  {size / 2**20:8.1f} MiB" if size else ""))
        if manifest.table_bytes:
            total = sum(manifest.table_bytes.values()) / 2**20
            write(f"  {'total on disk (tables and indexes)':43} {total:8.1f} MiB")
        write(
            f"Accounts (password {manifest.password!r}): " + ", ".join(manifest.accounts.values())
        )
        write(
            f"street {manifest.street_id}, community {manifest.community_id}, "
            f"activity {manifest.activity_id}, rush activity {manifest.rush_activity_id}"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Scale data loaded in {manifest.seconds} s (seed {manifest.seed}).")
        )
