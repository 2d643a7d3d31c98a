"""GraphQL requests that the compiled and the ordinary path must answer alike.

`compiled`: the request is answered by the one compiled statement (no fallback)."""

from dataclasses import dataclass, field
from typing import Any

INDICATOR = "RENTAL_HOUSING:START:SET_OR_ROOM"

README = """{
  region(code: "360000") {
    name
    children(level: CITY) {
      code name
      children {
        code name
        figures(year: 2024, programme: RENTAL_HOUSING) {
          items { indicator { nameZh } unit target actual completionRate }
        }
      }
    }
  }
}"""

# bench/run.py's whole-nation query (on the seeds: Jiangxi and Shanxi hold figures)
NATION = """{ provinces { code name f: figures(year: 2024, indicator: "%(code)s") { items {
  target actual completionRate } } children { code name f: figures(year: 2024,
  indicator: "%(code)s") { items { target actual completionRate } } children { code name
  f: figures(year: 2024, indicator: "%(code)s") { items { target actual completionRate } }
  } } } }""".replace("%(code)s", INDICATOR)

EVERYTHING = """
fragment Place on Region { __typename code name level kind aliases }
fragment Value on FigureValue {
  __typename kind value revision updatedAt source { __typename documentNumber annex line principal }
}
fragment Whole on Figure {
  __typename regionCode year unit target actual supplementaryTarget completionRate lastChanged
  indicator { __typename code programme programmeZh phase unit breakdown breakdownZh nameZh }
  values { ...Value }
  region { ...Place parent { code } }
}
query Everything($code: String!) {
  __typename
  region(code: $code) {
    ...Place
    parent { ...Place }
    children { ...Place figures(year: 2024) { __typename total limit offset nextOffset lastChanged items { ...Whole } } }
  }
}
"""


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    compiled: bool = True
    operation: str | None = None


CASES = [
    Case("readme", README),
    Case("nation", NATION),
    Case("everything jincheng", EVERYTHING, {"code": "140500"}),
    Case("everything jiangxi city", EVERYTHING, {"code": "360800"}),
    Case("everything province", EVERYTHING, {"code": "360000"}),
    Case(
        "aliases",
        """{ a: region(code: "140500") { x: code y: name c: children(level: COUNTY) { code } }
             b: region(code: "140500") { z: name }
             p: provinces { code n: name } q: provinces { __typename } }""",
    ),
    Case(
        "merged fields",
        """{ region(code: "140500") { children { code } children { name } name code } }""",
    ),
    Case(
        "inline fragments",
        """{ region(code: "140500") { ... on Region { code } ... { name }
             children { ... on Region { figures(year: 2024, limit: 2) { ... on FigurePage {
               total items { ... on Figure { target actual } } } } } } } }""",
    ),
    Case(
        "nested fragments",
        """query { region(code: "140500") { ...A } }
           fragment A on Region { code ...B children { ...B } }
           fragment B on Region { name figures(year: 2024, kind: ACTUAL) { ...C } }
           fragment C on FigurePage { total items { actual completionRate } }""",
    ),
    Case(
        "variables",
        """query V($code: String!, $year: Int, $programme: Programme, $kind: FigureKind,
                  $limit: Int, $offset: Int, $level: RegionLevel) {
             region(code: $code) { children(level: $level) { code
               figures(year: $year, programme: $programme, kind: $kind, limit: $limit,
                       offset: $offset) { total nextOffset items { indicator { code } target } } } } }""",
        {
            "code": "140500",
            "year": 2024,
            "programme": "SHANTYTOWN",
            "kind": "TARGET",
            "limit": 3,
            "offset": 1,
            "level": "COUNTY",
        },
    ),
    Case(
        "variables null",
        """query V($code: String!, $year: Int, $programme: Programme, $level: RegionLevel) {
             region(code: $code) { children(level: $level) { code
               figures(year: $year, programme: $programme) { total items { target } } } } }""",
        {"code": "140500", "year": None, "programme": None, "level": None},
    ),
    Case(
        "variable defaults",
        """query V($code: String! = "140500", $limit: Int = 2) {
             region(code: $code) { figures(limit: $limit) { total limit nextOffset items { year } } } }""",
    ),
    Case(
        "skip and include",
        """query S($yes: Boolean!, $no: Boolean!) {
             region(code: "140500") { code @skip(if: $yes) name @include(if: $yes)
               level @include(if: $no) kind @skip(if: false)
               children @include(if: $yes) { code ... @skip(if: $no) { name } ...F @include(if: $no) } } }
           fragment F on Region { level }""",
        {"yes": True, "no": False},
    ),
    Case(
        "skip and include reversed",
        """query S($yes: Boolean!, $no: Boolean!) {
             region(code: "140500") { code @skip(if: $yes) name @include(if: $yes)
               children @include(if: $yes) { code ... @skip(if: $no) { name } } } }""",
        {"yes": False, "no": True},
    ),
    Case(
        "operation name",
        """query A { provinces { code } } query B { region(code: "360000") { name } }""",
        operation="B",
    ),
    Case("by name", """{ region(name: "井冈山") { code name aliases } }"""),
    Case("by name with spaces", """{ region(name: " 晋城市 ") { code } }"""),
    Case("provinces", """{ provinces { code name level kind aliases } }"""),
    Case(
        "descendants",
        """{ region(code: "360800") { descendants { code level } d: descendants(level: COUNTY) { code } } }""",
    ),
    Case(
        "parents",
        """{ region(code: "360881") { parent { code parent { code parent { code } } } } }""",
    ),
    Case(
        "query figures",
        """{ figures(region: "140500", year: 2024) { total limit offset nextOffset lastChanged
             items { regionCode indicator { code } target actual supplementaryTarget completionRate } } }""",
    ),
    Case(
        "query figures descendants",
        """{ figures(region: "140500", descendants: true, year: 2024, limit: 5, offset: 3) {
             total nextOffset items { regionCode region { name } indicator { code } actual } } }""",
    ),
    Case(
        "query figures past the end",
        """{ figures(region: "140500", descendants: true, offset: 100000) { total nextOffset items { year } } }""",
    ),
    Case(
        "nested past the end",
        """{ region(code: "140500") { children { figures(offset: 100000) { total nextOffset items { year } } } } }""",
    ),
    Case(
        "every filter",
        """{ region(code: "360000") { children { code
             figures(year: 2024, programme: RENTAL_HOUSING, indicator: "@", kind: TARGET,
                     limit: 1, offset: 0, certified: false) { total items { target values { kind value } } } } } }""".replace(
            "@", INDICATOR
        ),
    ),
    Case(
        "certified",
        """{ figures(region: "140500", descendants: true, certified: true, kind: ACTUAL, limit: 3) {
             total items { regionCode actual } } }""",
    ),
    Case(
        "as of before",
        """{ figures(region: "140500", descendants: true, asOf: "2000-01-01T00:00:00Z") { total items { actual } } }""",
    ),
    Case(
        "as of after",
        """{ region(code: "140500") { children { figures(asOf: "2100-01-01T00:00:00+08:00", limit: 2) {
             total nextOffset items { actual target values { revision updatedAt } } } } } }""",
    ),
    Case(
        "figure region fields",
        """{ figures(region: "140525", year: 2024, limit: 2) { items { region { code parent { name }
             figures(kind: TARGET, limit: 1) { total } } } } }""",
    ),
    Case(
        "two pages per region of a list",
        """{ region(code: "140500") { children { code
             a: figures(limit: 2) { total nextOffset items { year indicator { code } } }
             b: figures(kind: ACTUAL, offset: 1, limit: 1) { total nextOffset lastChanged
                items { actual values { kind revision } } } } } }""",
    ),
    Case(
        "pages of every province",
        """{ provinces { code figures(year: 2024, limit: 1) { total nextOffset items { indicator { code } } }
             children(level: CITY) { figures(year: 2024, limit: 3, offset: 2) { total nextOffset } } } }""",
    ),
    # errors: the fast path steps aside and the ordinary path reports them
    Case("unknown region", """{ region(code: "369999") { name } }""", compiled=False),
    Case("unknown name", """{ region(name: "无此地") { name } }""", compiled=False),
    Case("no code nor name", """{ region { name } }""", compiled=False),
    Case("unknown figures region", """{ figures(region: "369999") { total } }""", compiled=False),
    Case(
        "unknown indicator",
        """{ region(code: "140500") { children { figures(indicator: "NOPE") { total } } } }""",
        compiled=False,
    ),
    Case(
        "unknown programme",
        """{ region(code: "140500") { children { figures(programme: NO_SUCH) { total } } } }""",
        compiled=False,
    ),
    Case(
        "programme as a string",
        """{ region(code: "140500") { figures(programme: "SHANTYTOWN") { total items { target } } } }""",
    ),
    Case(
        "year out of range",
        """{ region(code: "140500") { figures(year: 1800) { total } } }""",
        compiled=False,
    ),
    Case(
        "limit too large",
        """{ region(code: "140500") { figures(limit: 100000) { total } } }""",
        compiled=False,
    ),
    Case(
        "negative offset",
        """{ figures(region: "140500", offset: -1) { total } }""",
        compiled=False,
    ),
    Case("control characters", """{ region(name: "晋城\\u0001") { code } }""", compiled=False),
    Case("bad variable", """query ($c: String!) { region(code: $c) { code } }""", {"c": 5}, False),
    Case("missing variable", """query ($c: String!) { region(code: $c) { code } }""", {}, False),
    Case("unknown field", """{ region(code: "140500") { nope } }""", compiled=False),
    Case("syntax error", """{ region(code: "140500") { code }""", compiled=False),
    Case(
        "too deep",
        '{ region(code: "360000") { ' + "children { " * 11 + "code" + " }" * 11 + " } }",
        compiled=False,
    ),
    Case(
        "too many aliases",
        "{ " + " ".join(f'a{n}: region(code: "360000") {{ code }}' for n in range(40)) + " }",
        compiled=False,
    ),
    Case(
        "too costly",
        """{ provinces { descendants { descendants { figures(limit: 500) { total } } } } }""",
        compiled=False,
    ),
    # outside the subset: answered the ordinary way
    Case(
        "other field",
        """{ region(code: "140500") { code fundAccounts(year: 2024) { closingBalance } } }""",
        compiled=False,
    ),
    Case("introspection", """{ __schema { queryType { name } } }""", compiled=False),
    Case("typename only", """{ __typename }"""),
]
