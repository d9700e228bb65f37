"""Running writes at the same moment, each on its own database connection (race tests).

Row locks are PostgreSQL's; SQLite serialises writers, so race tests are marked
``POSTGRES_ONLY`` and CI runs them on PostgreSQL. Each thread closes its connection when done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

POSTGRES_ONLY = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's; CI runs this on PostgreSQL",
    ),
]


@dataclass
class Outcome:
    results: list = field(default_factory=list)
    refused: list[ValidationError] = field(default_factory=list)  # the rules said no
    errors: list[Exception] = field(default_factory=list)  # anything else: a defect


def at_once(calls: Sequence[Callable[[], object]], timeout: float = 60) -> Outcome:
    """Run every call in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcome = Outcome()

    def run(call):
        try:
            barrier.wait(timeout=30)
            outcome.results.append(call())
        except ValidationError as error:
            outcome.refused.append(error)
        except Exception as error:  # reported by the caller
            outcome.errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcome
