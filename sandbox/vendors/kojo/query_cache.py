"""Kojo's query cache: a GraphQL query text parsed and validated once, not on every request.

A client sends the same few queries again and again, with other variables. Validating a document
against the schema walks every node with every rule of the GraphQL spec: more than half of a
Kojo request's time here. The result depends only on the schema and the query text, so it is
remembered (for the most recent texts, up to a size), as Ariadne's documentation of
``query_validator`` suggests. No rule reads the request's variables: the limits that depend on
them, and on the tenant's data, are counted when the query runs (``query_limits``).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from graphql.utilities.type_info import TypeInfo
from graphql.validation import ASTValidationRule

CACHED_TEXTS = 256
LONGEST_CACHED_TEXT = 16 * 1024  # a longer query is parsed and validated every time


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _parsed(text: str) -> DocumentNode:
    return parse(text)


def parse_query(context_value: Any, data: dict[str, Any]) -> DocumentNode:
    """Ariadne's ``query_parser``: the document of ``data["query"]``."""
    text = data["query"]
    return _parsed(text) if len(text) <= LONGEST_CACHED_TEXT else parse(text)


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _static_errors(
    schema: GraphQLSchema, text: str, rules: tuple[type[ASTValidationRule], ...]
) -> tuple[GraphQLError, ...]:
    return tuple(validate(schema, _parsed(text), rules))


def validate_query(
    schema: GraphQLSchema,
    document_ast: DocumentNode,
    rules: Collection[type[ASTValidationRule]] | None = None,
    max_errors: int | None = None,
    type_info: TypeInfo | None = None,
) -> list[GraphQLError]:
    """Ariadne's ``query_validator``: every rule's errors, remembered per query text."""
    static = tuple(rules or ())
    source = document_ast.loc.source.body if document_ast.loc else None
    if source is not None and len(source) <= LONGEST_CACHED_TEXT:
        return list(_static_errors(schema, source, static))
    return validate(schema, document_ast, static, max_errors)


def only_reads(data: Any) -> bool:
    """Whether ``data`` (a GraphQL request body) is a document of queries alone, no mutation:
    such a request only reads, so it can run on the event loop (``handlers.run_query``). False
    for anything that does not parse: the GraphQL run answers that as it would."""
    text = data.get("query") if isinstance(data, dict) else None
    if not isinstance(text, str) or len(text) > LONGEST_CACHED_TEXT:
        return False
    try:
        document = _parsed(text)
    except GraphQLError:
        return False
    return all(
        getattr(getattr(definition, "operation", None), "value", "query") == "query"
        for definition in document.definitions
    )
