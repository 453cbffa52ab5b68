"""Kojo's limits on a query's size, checked before its result is built: a hostile query is
refused at once in Kojo's error shape and never stalls the sandbox for other tenants.

- ``DepthLimit`` (ours): nested at most 8 levels (introspection exempt).
- ``EntityCountingExecutor``: at most 100 entities (objects with an id: every object type of
  Kojo's schema has one) per request, as Kojo's api-limits page says ("a maximum of 100 entities
  (anything with an id field) at a time"). Nested lists have no ``limit``, so how many entities a
  query returns depends on the tenant's data: before executing, it walks the query's object
  fields over the tenant's data and stops at the 101st entity, so refusing an enormous query
  costs no more than counting 101 entities. No scalar field is read and no result is built.
- The same walk counts the fields the answer would have (ours): aliases can ask for one field
  many times over, which no entity limit bounds. The budget is 100 entities with every field of
  Kojo's widest type, so only a query that repeats fields under aliases can pass it: every query
  Kojo serves without aliases is served here too. Counting the real answer, not a list's
  ``limit``, is what keeps a query of few entities from being refused for what it might return.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from graphql import (
    Executor,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet, collect_subfields
from graphql.execution.values import get_argument_values
from graphql.language import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.validation import ASTValidationRule, ValidationRule

from sandbox.vendors.kojo import errors

MAX_DEPTH = 8
MAX_ENTITIES = 100


class DepthLimit(ValidationRule):
    """Refuses operations nested deeper than ``MAX_DEPTH`` (introspection fields exempt)."""

    def enter_operation_definition(self, node: Any, *_: Any) -> None:
        # each fragment's depth once per operation: a fragment spread twice by another, and so
        # on, would otherwise be walked 2**n times (a 2 KB query took 40 s)
        self._fragment_depths: dict[str, int] = {}
        depth = self._depth(node.selection_set, frozenset())
        if depth > MAX_DEPTH:
            self.report_error(
                GraphQLError(errors.TOO_DEEP.format(depth=depth, limit=MAX_DEPTH), node)
            )

    def _depth(self, selections: SelectionSetNode | None, seen: frozenset[str]) -> int:
        deepest = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                deepest = max(deepest, 1 + self._depth(selection.selection_set, seen))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self._depth(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment_depth(selection.name.value, seen))
        return deepest

    def _fragment_depth(self, name: str, seen: frozenset[str]) -> int:
        """A cycle of fragments counts once (GraphQL's own rules refuse it anyway)."""
        if name in self._fragment_depths:
            return self._fragment_depths[name]
        fragment = self.context.get_fragment(name)
        if fragment is None or name in seen:
            return 0
        depth = self._depth(fragment.selection_set, seen | {name})
        self._fragment_depths[name] = depth
        return depth


# validation rules Ariadne runs on each document, besides the GraphQL spec's own
VALIDATION_RULES: list[type[ASTValidationRule]] = [DepthLimit]


class TooLarge(Exception):
    """Raised by the count as soon as the answer passes a limit: ``message`` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@functools.cache
def max_fields(schema: GraphQLSchema) -> int:
    """100 entities with every field of the schema's widest object type, plus the root fields."""
    widest = max(
        len(kind.fields)
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
    )
    root = schema.query_type
    return MAX_ENTITIES * widest + (len(root.fields) if root is not None else 0)


def _answered_fields(grouped: GroupedFieldSet) -> int:
    """The fields of one object of the answer, introspection (``__typename``…) left out."""
    return sum(not details[0].node.name.value.startswith("__") for details in grouped.values())


class _Spent:
    """What the count has found so far, refused as soon as it passes a limit."""

    def __init__(self, field_budget: int) -> None:
        self.entities = 0
        self.fields = 0
        self.field_budget = field_budget

    def entity(self) -> None:
        self.entities += 1
        if self.entities > MAX_ENTITIES:
            raise TooLarge(errors.TOO_MANY_ENTITIES.format(limit=MAX_ENTITIES))

    def add_fields(self, count: int) -> None:
        self.fields += count
        if self.fields > self.field_budget:
            raise TooLarge(errors.TOO_MANY_FIELDS.format(limit=self.field_budget))


class EntityCountingExecutor(Executor):
    """graphql-core's executor, which first counts the entities and fields the query returns (see
    the module docstring) and answers Kojo's error instead of executing when there are too many.

    The count reads data through the same resolvers that execution uses, for object fields only,
    so a list has exactly the entities it would have in the result. A resolver that fails (a
    ``limit`` out of range, or a bug) is passed by: execution reports that error itself, at the
    field's path.

    A refusal is a request error, so the answer has no ``data`` (the GraphQL spec's rule for
    errors raised before execution): the refusal is noted in the request's
    ``views.Context.refusals`` for the handler to see."""

    def execute_collected_root_fields(
        self, root_type: GraphQLObjectType, root_value: Any, grouped: GroupedFieldSet, *rest: Any
    ) -> Any:
        try:
            spent = _Spent(max_fields(self.schema))
            spent.add_fields(_answered_fields(grouped))
            self._count(root_type, root_value, grouped, spent)
        except TooLarge as refusal:
            self.context_value.refusals.append(refusal.message)
            raise GraphQLError(refusal.message, extensions={"code": "BAD_USER_INPUT"}) from None
        return super().execute_collected_root_fields(root_type, root_value, grouped, *rest)

    def _count(
        self, kind: GraphQLObjectType, parent: Any, grouped: GroupedFieldSet, spent: _Spent
    ) -> None:
        for field_details in grouped.values():
            name = field_details[0].node.name.value
            field = kind.fields.get(name)
            inner = get_named_type(field.type) if field is not None else None
            if name.startswith("__") or not isinstance(inner, GraphQLObjectType):
                continue
            assert field is not None
            found = self._resolve(field, name, parent, field_details)
            if found is None:
                continue
            entities = list(found) if is_list_type(get_nullable_type(field.type)) else [found]
            if not entities:
                continue
            sub = collect_subfields(
                self.schema,
                self.fragments,
                self.variable_values,
                self.operation,
                inner,
                field_details,
            ).grouped_field_set
            fields = _answered_fields(sub)
            for entity in entities:
                spent.entity()
                spent.add_fields(fields)
                self._count(inner, entity, sub, spent)

    def _resolve(
        self, field: GraphQLField, name: str, parent: Any, field_details: FieldDetailsList
    ) -> Any:
        info: Any = SimpleNamespace(context=self.context_value, field_name=name)
        try:
            arguments = get_argument_values(field, field_details[0].node, self.variable_values)
            return (field.resolve or default_field_resolver)(parent, info, **arguments)
        except Exception:  # execution reports it, at the field, in Kojo's error shape
            return None
