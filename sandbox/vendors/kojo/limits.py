"""Kojo's limits, checked before a query's result is built: a hostile query is refused at once in
Kojo's error shape and never stalls the sandbox for other tenants.

- ``DepthLimit``: nested at most 8 levels (introspection exempt).
- ``CostLimit``: at most 5,000 fields, a list counting as many times as its ``limit``.
- ``EntityCountingExecutor``: at most 100 entities (objects with an id: every object type of
  Kojo's schema has one) per request, as Kojo's api-limits page says ("a maximum of 100 entities
  (anything with an id field) at a time"). Nested lists have no ``limit``, so how many entities a
  query returns depends on the tenant's data: before executing, it walks the query's object
  fields over the tenant's data and stops at the 101st entity, so refusing an enormous query
  costs no more than counting 101 entities. No scalar field is read and no result is built.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar

from graphql import (
    Executor,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
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
    IntValueNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.validation import ASTValidationRule, ValidationRule

from sandbox.vendors.kojo import errors
from sandbox.vendors.kojo.schema import MAX_LIMIT

MAX_DEPTH = 8
MAX_COST = 5000
MAX_ENTITIES = 100


class DepthLimit(ValidationRule):
    """Refuses operations nested deeper than ``MAX_DEPTH`` (introspection fields exempt)."""

    def enter_operation_definition(self, node: Any, *_: Any) -> None:
        depth = self._depth(node.selection_set, set())
        if depth > MAX_DEPTH:
            self.report_error(
                GraphQLError(errors.TOO_DEEP.format(depth=depth, limit=MAX_DEPTH), node)
            )

    def _depth(self, selections: SelectionSetNode | None, seen: set[str]) -> int:
        deepest = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                deepest = max(deepest, 1 + self._depth(selection.selection_set, seen))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self._depth(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    inner = seen | {selection.name.value}
                    deepest = max(deepest, self._depth(fragment.selection_set, inner))
        return deepest


class CostLimit(ValidationRule):
    """Refuses operations that could return more than ``MAX_COST`` fields: each field counts once
    for every item of the lists around it, a list as long as its ``limit`` (100 when not given).
    Introspection fields are exempt."""

    variables: ClassVar[dict[str, Any]] = {}

    def enter_operation_definition(self, node: Any, *_: Any) -> None:
        cost = self._cost(node.selection_set, 1, set())
        if cost > MAX_COST:
            self.report_error(GraphQLError(errors.TOO_COSTLY.format(limit=MAX_COST), node))

    def _cost(self, selections: SelectionSetNode | None, weight: int, seen: set[str]) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                inner = weight * self._limit(selection)
                total += inner + self._cost(selection.selection_set, inner, seen)
            elif isinstance(selection, InlineFragmentNode):
                total += self._cost(selection.selection_set, weight, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    inner_seen = seen | {selection.name.value}
                    total += self._cost(fragment.selection_set, weight, inner_seen)
            if total > MAX_COST:
                break
        return total

    def _limit(self, field: FieldNode) -> int:
        if field.name.value not in LISTS_WITH_LIMIT:
            return 1
        for argument in field.arguments or ():
            if argument.name.value != "limit":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return max(1, given) if isinstance(given, int) else MAX_LIMIT
        return MAX_LIMIT


LISTS_WITH_LIMIT = frozenset({"creditMemos", "invoices"})


def validation_rules(variables: Any) -> list[type[ASTValidationRule]]:
    given = variables if isinstance(variables, dict) else {}
    cost = type("CostLimitForRequest", (CostLimit,), {"variables": given})
    return [DepthLimit, cost]


class TooManyEntities(Exception):
    """Raised by the count as soon as it passes ``MAX_ENTITIES``."""


class EntityCountingExecutor(Executor):
    """graphql-core's executor, which first counts the entities the query returns (see the module
    docstring) and answers Kojo's error instead of executing when there are more than 100.

    The count reads data through the same resolvers that execution uses, for object fields only,
    so a list has exactly the entities it would have in the result. A resolver that fails (a
    ``limit`` out of range, or a bug) is passed by: execution reports that error itself, at the
    field's path.

    A refusal is a request error, so the answer has no ``data`` (the GraphQL spec's rule for
    errors raised before execution): the refusal is noted in the request's
    ``schema.Context.refusals`` for the handler to see."""

    def execute_collected_root_fields(
        self, root_type: GraphQLObjectType, root_value: Any, grouped: GroupedFieldSet, *rest: Any
    ) -> Any:
        try:
            self._count(root_type, root_value, grouped, [0])
        except TooManyEntities:
            refusal = errors.TOO_MANY_ENTITIES.format(limit=MAX_ENTITIES)
            self.context_value.refusals.append(refusal)
            raise GraphQLError(refusal, extensions={"code": "BAD_USER_INPUT"}) from None
        return super().execute_collected_root_fields(root_type, root_value, grouped, *rest)

    def _count(
        self, kind: GraphQLObjectType, parent: Any, grouped: GroupedFieldSet, spent: list[int]
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
            for entity in entities:
                spent[0] += 1
                if spent[0] > MAX_ENTITIES:
                    raise TooManyEntities
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
