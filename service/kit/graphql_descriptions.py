"""Every type, field, argument and enum value of the schema described in English and
Chinese, from the descriptions the code gives and the glossary for the rest.

A description the code wrote in one language gets the other from the glossary's entry
for the same name; a missing one gets both. Run on the built schema, before it is
printed or served, so that the SDL and introspection say the same."""

import re
from collections.abc import Mapping

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)

from service import graphql_glossary as glossary

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_CODE = re.compile(r"^[a-z]+[A-Z_:<]")
Entry = glossary.Entry


def bilingual(current: str | None, entry: Entry | None) -> str | None:
    """The description in both languages, as far as the entry allows."""
    if entry is None:
        return _capitalized(current)
    english, chinese = entry
    if not current:
        return f"{english}. {chinese}"
    if not _CJK.search(current):
        return f"{_capitalized(current)} {chinese}"
    if not _LATIN.search(current):
        return f"{english}. {current}"
    return _capitalized(current)


def _capitalized(text: str | None) -> str | None:
    """Sentences start with a capital; one that starts with a name or code of the API
    (`disbursedTotal`, `figure:<indicator>`) quotes it instead, as it must be typed."""
    if not text or not text[0].islower():
        return text
    first, _, rest = text.partition(" ")
    if _CODE.match(first):
        head = first.rstrip(",;")
        return f"`{head}`{first[len(head) :]} {rest}".rstrip()
    return text[0].upper() + text[1:]


def _type_entry(named: GraphQLNamedType) -> Entry | None:
    if (entry := glossary.TYPES.get(named.name)) is not None:
        return entry
    for suffix, (english, chinese) in (
        ("Page", glossary.PAGE_TYPE),
        ("Edge", glossary.EDGE_TYPE),
    ):
        if named.name.endswith(suffix) and len(named.name) > len(suffix):
            item = named.name.removesuffix(suffix)
            return english.format(item=item), chinese.format(item=item)
    return None


def _field_entry(owner: str, name: str) -> Entry | None:
    return glossary.FIELD_OVERRIDES.get(f"{owner}.{name}") or glossary.FIELDS.get(name)


def _argument_entry(path: str, name: str) -> Entry | None:
    return glossary.ARGUMENT_OVERRIDES.get(f"{path}.{name}") or glossary.ARGUMENTS.get(name)


def _humanized(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _describe_fields(
    owner: str, fields: Mapping[str, GraphQLField] | Mapping[str, GraphQLInputField]
) -> None:
    for name, field in fields.items():
        field.description = bilingual(field.description, _field_entry(owner, name))
        arguments: Mapping[str, GraphQLArgument] = getattr(field, "args", {})
        for arg_name, argument in arguments.items():
            entry = _argument_entry(f"{owner}.{name}", arg_name)
            argument.description = bilingual(argument.description, entry)


def describe(schema: GraphQLSchema) -> None:
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        named.description = bilingual(named.description, _type_entry(named))
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            _describe_fields(name, named.fields)
        elif isinstance(named, GraphQLEnumType):
            for code, value in named.values.items():
                english = glossary.ENUM_VALUES.get(f"{name}.{code}") or _humanized(code)
                value.description = bilingual(value.description, (english, ""))
        elif isinstance(named, GraphQLUnionType):
            pass  # a union has no members of its own to describe
