"""Every type, field, argument and enum value of the GraphQL schema is described, in
English and in Chinese."""

import re
from collections.abc import Iterator

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from service.graphql_schema import schema

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2}")
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID", "JSON", "Date", "DateTime"}


def _described() -> Iterator[tuple[str, str | None]]:
    for name, named in schema._schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        yield name, named.description
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in named.fields.items():
                yield f"{name}.{field_name}", field.description
                for arg_name, arg in getattr(field, "args", {}).items():
                    yield f"{name}.{field_name}({arg_name})", arg.description
        if isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                yield f"{name}.{value_name}", value.description


def test_everything_is_described_in_english_and_chinese() -> None:
    missing = [where for where, text in _described() if not text]
    assert missing == []
    one_language = [
        f"{where}: {text}"
        for where, text in _described()
        if text and not (CJK.search(text) and LATIN.search(text))
    ]
    assert one_language == []


def test_a_description_of_the_code_keeps_its_words() -> None:
    region = schema._schema.type_map["Region"]
    assert isinstance(region, GraphQLObjectType)
    assert region.fields["code"].description == (
        "GB/T 2260 code; zones: parent code + suffix 区划代码"
    )
    assert region.fields["children"].description == (
        "Direct children, optionally of one level. 下级区划"
    )
    unit = schema._schema.type_map["Unit"]
    assert isinstance(unit, GraphQLEnumType)
    assert unit.values["TEN_THOUSAND_SQM"].description == "10,000 square metres. 万平方米"
