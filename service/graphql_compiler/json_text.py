"""SQL expressions that build JSON text exactly as the ordinary path serialises it:
compact separators, UTF-8 unescaped, decimals as strings, datetimes in ISO 8601.

JSON text is built with `||`, so a part that is NULL makes the whole NULL: a value the
schema declares non-null but that is missing (an unknown region) nulls the statement's
answer, which sends the request to the ordinary path and its error."""

from collections.abc import Iterable


def literal(text: str) -> str:
    """A constant of the document or the schema (a key, a type name) as an SQL literal."""
    return "'" + text.replace("'", "''") + "'"


def string(expr: str) -> str:
    # to_json escapes as json.dumps(ensure_ascii=False) does: quotes, backslashes and
    # control characters only
    return f"to_json({expr})::text"


def number(expr: str) -> str:
    return f"({expr})::text"


def decimal(expr: str) -> str:
    """numeric's text is Decimal's str for every scale the tables hold (no exponents)."""
    return f"to_json(({expr})::text)::text"


def timestamp(expr: str) -> str:
    """datetime.isoformat() of a UTC timestamp: microseconds only when there are any."""
    utc = f"({expr}) at time zone 'UTC'"
    return (
        f"""to_json(to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS')"""
        f" || case when date_trunc('second', {expr}) = ({expr}) then ''"
        f" else to_char({utc}, '.US') end || '+00:00')::text"
    )


def nullable(json_expr: str) -> str:
    return f"coalesce({json_expr}, 'null')"


def obj(pairs: Iterable[tuple[str, str]]) -> str:
    """An object of (response key, JSON expression) in the order given."""
    parts = [
        f"{literal(('{' if n == 0 else ',') + _key(k) + ':')} || {v}"
        for n, (k, v) in enumerate(pairs)
    ]
    if not parts:
        return "'{}'"
    return "(" + " || ".join(parts) + " || '}')"


def array(element: str, rest: str, order: str) -> str:
    """A list of `element` over `select … rest` (its from and where), in `order`."""
    return (
        f"('[' || coalesce((select string_agg({element}, ',' order by {order}) {rest}), '') || ']')"
    )


def _key(name: str) -> str:
    # response keys are GraphQL names: [_A-Za-z][_0-9A-Za-z]*, nothing to escape
    return f'"{name}"'
