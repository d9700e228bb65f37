"""Querysets compiled to SQL once per process and run with each request's ids.

Building and compiling a queryset costs Django more than the database spends running it: about
1.8 ms to build and compile the resident's signup with its waitlist position against 0.4 ms to run
it, 0.7 ms against 0.4 ms for the session's user (measured at ``L``, docs/performance.md). A query
that a page runs on every request, with only some ids changing, is prepared here: built once with
stand-in ids, compiled once per database, then run as raw SQL with the request's ids in their
places. The model instances come back as the ORM makes them: fields converted by
``RawQuerySet``, annotations by their own output field's converters (an ``Exists`` is a ``bool``
on SQLite too).

Only for querysets of one model without ``select_related`` (``RawQuerySet`` fills no related
objects) whose varying values are integer ids; what else the queryset holds (statuses, ordering,
the limit) is fixed when it is built, so nothing in it may depend on the time or the request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

#: Stand-ins for the ids while the queryset is compiled: no real id, count or flag is this big
#: and negative, so each is found in the compiled parameters only where its id goes.
_STAND_IN = -7_340_033_000


class PreparedQuery:
    """``build(**ids)`` returns the queryset; ``run(**ids)`` its rows, compiled only once."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self.build, self.names = build, names
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        stand_ins = {name: _STAND_IN - index for index, name in enumerate(self.names)}
        queryset = self.build(**stand_ins)
        query = queryset.query
        if query.select_related:
            raise ValueError("a prepared query cannot select related objects")
        connection = connections[using]
        sql, params = query.get_compiler(using=using).as_sql()
        by_value = {value: name for name, value in stand_ins.items()}
        slots = {
            position: by_value[value]
            for position, value in enumerate(params)
            if type(value) is int and value in by_value
        }
        missing = set(self.names) - set(slots.values())
        if missing:
            raise ValueError(f"the queryset does not use {', '.join(sorted(missing))}")
        converters = [
            (name, expression, expression.get_db_converters(connection))
            for name, expression in query.annotation_select.items()
        ]
        converters = [
            (name, expression, [*connection.ops.get_db_converters(expression), *found])
            for name, expression, found in converters
        ]
        return queryset.model, sql, tuple(params), slots, converters

    def run(self, using: str = DEFAULT_DB_ALIAS, **ids: int) -> list[Model]:
        if set(ids) != set(self.names) or any(type(value) is not int for value in ids.values()):
            raise TypeError(f"give the integer ids {', '.join(self.names)}")
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        model, sql, params, slots, converters = compiled
        values = [ids[slots[i]] if i in slots else value for i, value in enumerate(params)]
        rows = list(model._default_manager.db_manager(using).raw(sql, values))
        connection = connections[using]
        for row in rows:
            for name, expression, functions in converters:
                value = getattr(row, name)
                for convert in functions:
                    value = convert(value, expression, connection)
                setattr(row, name, value)
        return rows

    def first(self, using: str = DEFAULT_DB_ALIAS, **ids: int) -> Model | None:
        rows = self.run(using, **ids)
        return rows[0] if rows else None
