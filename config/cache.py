"""The default shared cache: Django's database cache, writing many entries in one query.

Django's `DatabaseCache.set_many` sets one key at a time, with three or four queries per
key (count, select, insert or update). The dashboard writes one entry per plan when it
renders rows that were not cached, so that would make its query count grow with the
number of plans. Here `set_many` is one `INSERT ... ON CONFLICT DO UPDATE` (PostgreSQL
and SQLite both have it) after one count for culling, whatever the number of keys.
Reading (`get_many`) is already one query in Django's own class.
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        rows = []
        for key, value in data.items():
            key = self.make_and_validate_key(key, version=version)
            pickled = pickle.dumps(value, self.pickle_protocol)
            rows.append((key, base64.b64encode(pickled).decode("latin1")))
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        quote = connection.ops.quote_name
        table = quote(self._table)
        key, value, exp = quote("cache_key"), quote("value"), quote("expires")
        placeholders = ", ".join(["(%s, %s, %s)"] * len(rows))
        params = [p for k, v in rows for p in (k, v, expires)]
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - our table
                count = cursor.fetchone()[0]
                if count + len(rows) > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
                cursor.execute(
                    # Names are quoted by the backend; every value is a placeholder.
                    f"INSERT INTO {table} ({key}, {value}, {exp}) VALUES {placeholders} "  # noqa: S608
                    f"ON CONFLICT ({key}) DO UPDATE SET {value} = EXCLUDED.{value}, "
                    f"{exp} = EXCLUDED.{exp}",
                    params,
                )
        except DatabaseError:
            # As Django's own: a cache write that fails is not the request's failure.
            return [k for k, _ in rows]
        return []
