"""Django's database cache with an atomic `incr` that keeps the key's expiry.

Several web processes share the rate-limit counters of the public forms (gongkai.public_forms) through
the cache. Django's DatabaseCache inherits BaseCache.incr, a get followed by a set: two processes counting
at once both write the same number (a burst gets through), and the set gives the key the default timeout,
so a fixed window becomes a sliding one. Here the row is read under a lock (SELECT … FOR UPDATE on
PostgreSQL; on SQLite the IMMEDIATE transaction holds the write lock) and only its value is rewritten.

`add` is already safe across processes: the cache key is the table's primary key, so of two concurrent
inserts one fails and returns False (the human-check tokens rely on it)."""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        made = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote('value')}, {quote('expires')} FROM {table} "  # noqa: S608 - names quoted
                           f"WHERE {quote('cache_key')} = %s{lock}", [made])
            row = cursor.fetchone()
            if row is not None:
                value, expires = row
                expression = models.Expression(output_field=models.DateTimeField())
                for converter in (connection.ops.get_db_converters(expression)
                                  + expression.get_db_converters(connection)):
                    expires = converter(expires, expression, connection)
                if expires < tz_now():
                    row = None
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode())) + delta  # noqa: S301 - our own cache rows
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",  # noqa: S608
                           [encoded, made])
        return value
