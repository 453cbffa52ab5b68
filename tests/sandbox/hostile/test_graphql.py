"""Hostile GraphQL is refused (``target.py`` says how): Kojo refuses GraphQL past its depth limit
or its answer-size limit (3,000 fields by alias), a 200 KB query and 10,000 identical fields,
answers 10,000 aliases on an unknown id with null, and refuses fragment cycles, selections or
variables nested deeply, a batched (array) body and a mutation (Kojo's API has none)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.sandbox.hostile.target import KOJO_BY_ID, Case, Target, case, params, run


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def _gql(name: str, body: Any, statuses: int, shape: str, message: str | None = None) -> Case:
    content = json.dumps(body).encode()
    return case("kojo", name, lambda t: [t.create("kojo", content, name)], statuses, shape, message)


_DEEP_ITEMS = "id"
for _ in range(5):
    _DEEP_ITEMS = f"creditMemoItems {{ creditMemo {{ {_DEEP_ITEMS} }} }}"
_ROOT_ALIASES = " ".join(f'a{_b36(n)}:creditMemo(id:"x"){{id}}' for n in range(3_000))
_ALIASES = " ".join(f"a{_b36(n)}:id" for n in range(10_000))

GRAPHQL = [
    _gql(
        "depth-over-limit",
        {"query": f"{{ creditMemos {{ {_DEEP_ITEMS} }} }}"},
        200,
        "graphql-refusal",
        "exceeds the limit of 8",
    ),
    _gql(
        "3000-fields-by-alias",
        {"query": f"{{ {_ROOT_ALIASES} }}"},
        200,
        "graphql-refusal",
        "more than 2904 fields",
    ),
    _gql(
        "query-200kb",
        {"query": "{ " + "__typename " * 20_000 + "}"},
        200,
        "kojo",
        "at most 100000 characters",
    ),
    _gql(
        "10000-aliases",
        {"query": f'{{ creditMemo(id: "x") {{ {_ALIASES} }} }}'},
        200,
        "graphql-null",
    ),
    _gql(
        "10000-identical-fields",
        {"query": "{ creditMemos(limit: 1) { " + "id " * 10_000 + "} }"},
        200,
        "graphql-refusal",
    ),
    _gql(
        "fragment-cycle",
        {
            "query": "{ creditMemos { ...A } }"
            " fragment A on CreditMemo { id ...B }"
            " fragment B on CreditMemo { invoiceId ...A }"
        },
        200,
        "graphql-refusal",
        "Cannot spread fragment",
    ),
    _gql(
        "selection-2000-deep",
        {"query": "{ creditMemos " + "{ creditMemoItems " * 2000 + "{ id }" + " }" * 2000 + " }"},
        200,
        "graphql-refusal",
        "nested too deeply",
    ),
    _gql(
        "argument-5000-deep",
        {"query": "{ creditMemos(limit: " + "[" * 5000 + "1" + "]" * 5000 + ") { id } }"},
        200,
        "graphql-refusal",
        "nested too deeply",
    ),
    _gql(
        "variables-500-deep",
        {"query": KOJO_BY_ID, "variables": {"id": json.loads("[" * 500 + "]" * 500)}},
        200,
        "kojo",
        "nested too deeply",
    ),
    _gql(
        "batched-array-body",
        [{"query": "{ __typename }"}, {"query": "{ __typename }"}],
        200,
        "kojo",
    ),
    _gql(
        "mutation",
        {"query": 'mutation { createCreditMemo(invoiceId: "x") { id } }'},
        200,
        "graphql-refusal",
        "mutation",
    ),
]


@pytest.mark.parametrize("hostile", params(GRAPHQL))
def test_hostile_graphql_is_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)
