"""What a request touched, as the access log records it."""

import time

from graphql import get_operation_ast, parse

from service.accesslog.touched import MAX_REGIONS, graphql_touched, rest_touched
from service.graphql_schema import schema


def touched_by(query: str, variables: dict[str, str] | None = None) -> tuple[list[str], ...]:
    """Root fields, regions and datasets, each sorted (the walk's order is its own)."""
    document = parse(query)
    operation = get_operation_ast(document)
    assert operation is not None
    t = graphql_touched(schema._schema, document, operation, variables)
    return sorted(t.root_fields), sorted(t.regions), sorted(t.data)


def test_rest_regions_come_from_region_arguments_holding_region_codes() -> None:
    t = rest_touched(
        "service.figures.rest",
        {"code": "360121", "indicator": "RENTAL_HOUSING:START:SET_OR_ROOM", "year": 2024},
        b"region=360100-CORE&parent=140500&code=RENTAL_HOUSING&name=%E4%BA%95&year=2024",
    )
    assert (t.regions, t.data, t.root_fields) == (
        ["360121", "360100-CORE", "140500"],
        ["figures"],
        [],
    )


def test_an_export_names_its_dataset() -> None:
    t = rest_touched("service.exports.rest", {"dataset": "funds", "fmt": "csv"}, b"region=140500")
    assert (t.regions, t.data) == (["140500"], ["exports", "funds"])


def test_graphql_variables_fragments_and_mutations() -> None:
    assert touched_by(
        """query Q($c: String!) {
             region(code: $c) { children { figures(year: 2024) { items { target } } } }
             ...F
           }
           fragment F on Query {
             fundAccounts(region: "140500") { total }
             ... on Query { loans(region: "140521") { total } }
           }""",
        {"c": "360100-CORE"},
    ) == (
        ["fundAccounts", "loans", "region"],
        ["140500", "140521", "360100-CORE"],
        ["figures", "funds", "loans", "regions"],
    )
    assert touched_by(
        """mutation { reportActuals(region: "360121", year: 2024, reason: "r", items: []) {
             __typename } }"""
    ) == (["reportActuals"], ["360121"], ["figures"])


def test_fragments_within_fragments_are_walked_once() -> None:
    # expanded, F0 would hold 2^40 copies of `code`; walked, it is 41 small fragments
    fragments = "".join(
        f"fragment F{n} on Region {{ ...F{n + 1} ...F{n + 1} }}\n" for n in range(40)
    )
    start = time.perf_counter()
    roots, regions, data = touched_by(
        '{ region(code: "360000") { ...F0 } }\n' + fragments + "fragment F40 on Region { code }"
    )
    assert time.perf_counter() - start < 0.5
    assert (roots, regions, data) == (["region"], ["360000"], ["regions"])


def test_a_record_names_a_bounded_number_of_regions() -> None:
    aliases = " ".join(f'r{n}: region(code: "{360000 + n}") {{ code }}' for n in range(300))
    _, regions, _ = touched_by("{ " + aliases + " }")
    assert len(regions) == MAX_REGIONS
