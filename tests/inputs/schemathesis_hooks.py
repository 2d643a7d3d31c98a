"""Loaded by schemathesis (SCHEMATHESIS_HOOKS): how to generate the Decimal scalar."""

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from service.kit.inputs import AMOUNT_PATTERN

schemathesis.graphql.scalar(
    "Decimal", st.from_regex(AMOUNT_PATTERN, fullmatch=True).map(nodes.String)
)
