"""A Kojo request whose document holds queries alone runs where the sandbox's reads run (on the
event loop); one with a mutation or a subscription, or one that does not parse, goes to the
thread pool with the writes, and is answered as before."""

from __future__ import annotations

import pytest

from contracts.vendors.kojo.client import KojoClient
from sandbox.vendors.kojo.query_cache import only_reads


@pytest.mark.parametrize(
    ("query", "reads"),
    [
        ("{ creditMemos(limit: 1) { id } }", True),
        ("query A { creditMemos { id } } query B { invoices { id } }", True),
        ("fragment F on CreditMemo { id } query { creditMemos { ...F } }", True),
        ("mutation { deleteCreditMemo(id: 1) }", False),
        ("query A { creditMemos { id } } mutation B { x }", False),
        ("subscription { memos { id } }", False),
        ("{ creditMemos { id ", False),
    ],
)
def test_a_document_of_queries_alone_is_a_read(query: str, reads: bool) -> None:
    assert only_reads({"query": query}) is reads


def test_a_body_without_a_query_text_is_not_taken_for_a_read() -> None:
    assert only_reads({}) is False
    assert only_reads({"query": 42}) is False


def test_a_mutation_goes_to_the_thread_pool_and_gets_kojos_refusal(kojo: KojoClient) -> None:
    answer = kojo.post("mutation { deleteCreditMemo(id: 1) }")
    assert answer.status_code in (200, 400)
    errors = answer.json()["errors"]
    assert errors and "mutation" in errors[0]["message"].lower()
