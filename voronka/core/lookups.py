"""`__prefix`: an index-friendly "starts with" for already-folded text.

On PostgreSQL it is LIKE 'abc%' (served by a varchar_pattern_ops index). On SQLite, LIKE
cannot use an ordinary index, so it becomes a range: abc <= col < abc + U+10FFFF, which the
B-tree serves because SQLite compares UTF-8 text byte by byte, in code-point order.
The value is always a bound parameter, never spliced into the SQL.
"""

from django.db.models import BooleanField, CharField, Lookup


@CharField.register_lookup
class Prefix(Lookup):
    lookup_name = "prefix"

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = connection.ops.prep_for_like_query(str(self.rhs)) + "%"
        return f"{lhs} LIKE %s", [*lhs_params, pattern]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = connection.ops.prep_for_like_query(str(self.rhs)) + "%"
        return f"{lhs}::text LIKE %s", [*lhs_params, pattern]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        return f"({lhs} >= %s AND {lhs} < %s)", [
            *lhs_params,
            prefix,
            *lhs_params,
            prefix + "\U0010ffff",
        ]


@BooleanField.register_lookup
class Is(Lookup):
    """`done__is=False` → `done = false`, which an index on (…, done, …) serves on SQLite too.

    Django writes `done=False` as `NOT done`, which SQLite cannot match to an index.
    """

    lookup_name = "is"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = {rhs}", [*lhs_params, *rhs_params]
