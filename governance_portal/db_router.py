"""The primary and an optional read replica (``DATABASE_REPLICA_URL``, docs/deploy.md).

Installed only when a replica is configured. It moves nothing on its own: every read goes to the
primary unless the query asks for the replica with ``.using(reporting_database())``, so a page
never shows a resident an out-of-date copy of what they just did. What the router adds is safety
for those queries: an object read from the replica and then saved is written to the primary,
records from both may be related, and migrations run on the primary only (the replica follows
through replication).
"""

from __future__ import annotations

from django.conf import settings

PRIMARY = "default"
REPLICA = "replica"


def reporting_database() -> str:
    """The alias for reads that may lag by a few seconds (dashboards, ledgers, exports)."""
    return REPLICA if REPLICA in settings.DATABASES else PRIMARY


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return None  # the caller's .using() or the primary

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a replica row may point at a primary row.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
