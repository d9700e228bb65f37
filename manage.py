#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance_portal.settings")
    # manage.py is the developer's tool: development mode unless DJANGO_DEBUG says otherwise.
    # The production entry point (governance_portal/wsgi.py) has no such default, and
    # production sets DJANGO_DEBUG=0 for its commands too (docs/configuration.md).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
