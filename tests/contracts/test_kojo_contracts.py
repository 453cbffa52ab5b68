"""``creditbox contracts --api kojo``: rules, Kojo invariants, Schemathesis over the SDL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.vendors.kojo import checks as checks
from sandbox.vendors.kojo.errors import TOO_MANY_ENTITIES
from tests.contracts.support import (
    check_quietly,
    failing_checks,
    failing_with_bug,
    faithful_fixture,
    kojo_args,
    outcomes,
    rules_with_bug,
)
from tests.support.clients import KOJO_DEMO, kojo_client
from tests.support.processes import run_cli, serving

KOJO_RULE_BUGS = {
    "kojo_limit_silently_cut": "KJ-LIMIT-MAX-100",
    "kojo_offset_ignored": "KJ-PAGINATION-EXACTLY-ONCE",
    "kojo_direction_ignored": "KJ-ORDER-DIRECTION",
    "kojo_updated_after_ignored": "KJ-UPDATED-AFTER",
    "kojo_any_token_accepted": "KJ-AUTH-REQUIRED",
    "kojo_total_due_ignores_payments": "KJ-MEMO-ARITHMETIC",
    "kojo_line_numbers_from_zero": "KJ-MEMO-ARITHMETIC",
    "kojo_nested_invoice_mismatch": "KJ-MEMO-ARITHMETIC",
    "kojo_ext_price_off": "KJ-MEMO-ARITHMETIC",
    "kojo_error_without_request_id": "KJ-ERROR-SHAPE",
}
KOJO_INVARIANT_BUGS = {
    "kojo_ext_price_off": "kojo_ext_price_is_quantity_times_unit_price",
    "kojo_error_without_request_id": "kojo_errors_carry_request_ids",
}


def test_in_process_sandbox_conforms_on_every_rule(tmp_path: Path) -> None:
    """The rules layer; the schema layer's run is in tests/contracts/test_fuzzing.py."""
    args = ["contracts", "--api", "kojo", "--in-process", "--allow-writes", "--layers", "rules"]
    report, printed = check_quietly([*args, "--report-dir", str(tmp_path)])
    rules = {v.id: v.outcome for v in report.verdicts if v.layer == "rule"}
    assert rules and set(rules.values()) == {"pass"}, printed


def test_a_running_sandbox_is_checked_over_http(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url:
        result = run_cli(kojo_args(base_url, tmp_path, "--allow-writes", "--layers", "rules"))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS     KJ-MEMO-ARITHMETIC" in result.stdout
    assert KOJO_DEMO["client_secret"] not in (tmp_path / "report.md").read_text()


def test_wrong_client_credentials_are_a_usage_error(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url:
        args = [*kojo_args(base_url, tmp_path), "--client-secret", "wrong"]
        result = run_cli(args)
    assert result.returncode == 2
    assert "refused the credentials" in result.stderr


@pytest.mark.parametrize("bug", sorted(KOJO_RULE_BUGS))
def test_each_kojo_bug_is_caught_by_its_rule(tmp_path: Path, bug: str) -> None:
    report, printed = rules_with_bug(kojo_args, bug, tmp_path)
    assert outcomes(report)[KOJO_RULE_BUGS[bug]] == "fail", printed


def _responses(base_url: str) -> list[Any]:
    with httpx.Client(base_url=base_url) as http:
        kojo = kojo_client(http)
        invoice = kojo.seed_invoice((3, 10.0), (2, 7.5), (1, 100.0))
        kojo.seed_memo(invoice, (0, 2), (2, 1), tax=1, payments=5)
        everything = (
            "{ creditMemos { id invoiceId subtotal tax shippingCostFloat payments totalDue "
            "invoice { id } creditMemoItems { lineNumber quantity unitPriceFloat extPriceFloat "
            "creditMemoId creditMemo { id } } } }"
        )
        return [
            kojo.post(everything).json(),
            kojo.post("{ creditMemos(limit: 1 { id } }").json(),
        ]


faithful = faithful_fixture(_responses)


def test_kojo_invariants_hold_on_real_responses(faithful: list[Any]) -> None:
    bodies = faithful
    for name in checks.INVARIANTS.checks:
        assert sum(checks.INVARIANTS.run(name, body) for body in bodies) >= 1, name
    assert failing_checks(checks, bodies) == set()


@pytest.mark.parametrize("bug", sorted(KOJO_INVARIANT_BUGS))
def test_response_bug_is_caught_by_its_invariant(bug: str, faithful: list[Any]) -> None:
    assert KOJO_INVARIANT_BUGS[bug] in failing_with_bug(checks, bug, faithful)


def test_a_refused_valid_query_is_caught_unless_it_is_past_a_limit() -> None:
    with pytest.raises(AssertionError, match="schema-valid query was refused"):
        checks.valid_query_accepted({"errors": [{"message": "limit must be between 0 and 100"}]})
    past = {"errors": [{"message": "Query depth 9 exceeds the limit of 8", "requestId": "r"}]}
    assert checks.valid_query_accepted(past) == 1
    too_many = {"errors": [{"message": TOO_MANY_ENTITIES.format(limit=100), "requestId": "r"}]}
    assert checks.valid_query_accepted(too_many) == 1


def test_a_graphql_result_with_errors_must_come_with_http_200() -> None:
    judge = checks.graphql_errors_come_with_http_200
    refused = {"errors": [{"message": "limit must be between 0 and 100", "requestId": "r"}]}
    assert judge(200, refused) == 1
    for status in (400, 401, 422):
        with pytest.raises(AssertionError, match=f"HTTP {status}, not 200"):
            judge(status, refused)
    # the rate limit's 429, and what never reaches the GraphQL server, keep their status
    for status in (404, 405, 413, 429, 503):
        assert judge(status, refused) == 0
    assert judge(200, {"data": {"creditMemos": []}}) == 0


def test_the_updated_after_cut_off_falls_strictly_between_two_records() -> None:
    from contracts.vendors.kojo.rules import _cut_off, _moment

    stamps = [_moment(s) for s in ("2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.010Z")]
    assert _cut_off(stamps) == _moment("2024-01-01T00:00:00.005Z")
    close = [_moment(s) for s in ("2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.001Z")]
    assert _cut_off(close) is None
    assert _cut_off(stamps[:1] * 3) is None


def test_the_updated_after_cut_off_keeps_a_unit_of_the_shown_precision_from_both_records() -> None:
    """Moments shown to the second may hide up to a second: the cut-off stays a second away."""
    from contracts.vendors.kojo.rules import _cut_off, _moment

    seconds = [_moment(s) for s in ("2024-01-01T00:00:00Z", "2024-01-01T00:00:04Z")]
    assert _cut_off(seconds) == _moment("2024-01-01T00:00:02Z")
    assert _cut_off([_moment(s) for s in ("2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z")]) is None
    nanoseconds = _moment("2024-01-01T00:00:00.123456789Z")
    assert nanoseconds == _moment("2024-01-01T00:00:00.123456Z")


def test_every_field_is_held_to_its_type_in_the_sdl() -> None:
    judge = checks.fields_have_their_sdl_types
    item = {"id": "i1", "lineNumber": 1, "quantity": 2, "unitsOfMeasure": "EA"}
    memo = {
        "id": "m1",
        "createdAt": "2021-03-24T17:26:46.983Z",
        "totalDue": 1.5,
        "invoice": {"id": "v1", "exceptions": []},
        "creditMemoItems": [item],
    }
    assert judge({"data": {"creditMemos": [memo]}}) == 3
    assert judge({"errors": [{"message": "no", "requestId": "r"}], "data": None}) == 0
    wrong = {
        "CreditMemo.id of 7 is 7, not of type ID": {"id": 7},
        "is null, but its type DateTime! is non-null": {"createdAt": None},
        "not of type DateTime": {"createdAt": "yesterday"},
        "not of type Float": {"totalDue": "1.50"},
        "not an object": {"invoice": "v1"},
        "not a list": {"creditMemoItems": {"id": "i1"}},
        "CreditMemoItem.lineNumber of i1 is 1.5, not of type Int": {
            "creditMemoItems": [{**item, "lineNumber": 1.5}]
        },
        "Invoice.exceptions of v1 is null": {"invoice": {"id": "v1", "exceptions": None}},
    }
    for message, change in wrong.items():
        with pytest.raises(AssertionError, match=re.escape(message)):
            judge({"data": {"creditMemos": [{**memo, **change}]}})
    # an object under an alias, by its fields; a null of a nullable field is its type
    aliased = {"data": {"first": {"id": "m1", "creditMemoItems": "none"}}}
    with pytest.raises(AssertionError, match="not a list"):
        judge(aliased)
    assert judge({"data": {"creditMemo": {**memo, "tax": None}}}) == 3


def test_a_rate_limit_refusal_must_come_with_429_and_kojos_body() -> None:
    judge = checks.rate_limits_come_as_documented
    documented = {
        "code": "RATE_LIMIT_EXCEEDED",
        "error": "Too Many Requests",
        "message": "Rate limit exceeded; retry in 1 s",
        "retryAfter": 1,
        "resetAt": "2030-01-01T00:00:01.000Z",
    }
    assert judge(429, documented) == 1
    assert judge(200, {"data": {"creditMemos": []}}) == 0
    with pytest.raises(AssertionError, match="a 429 without"):
        judge(429, {"errors": [{"message": "Too many requests", "requestId": "r"}]})
    refusal = {"errors": [{"message": "slow down", "extensions": {"code": "RATE_LIMIT_EXCEEDED"}}]}
    with pytest.raises(AssertionError, match="came with HTTP 200, not 429"):
        judge(200, refusal)


def test_the_new_kojo_rules_pass_on_the_sandbox_and_are_not_skipped(tmp_path: Path) -> None:
    args = ["contracts", "--api", "kojo", "--in-process", "--allow-writes", "--layers", "rules"]
    report, printed = check_quietly([*args, "--report-dir", str(tmp_path)])
    found = outcomes(report)
    assert found["KJ-RATE-LIMIT-20-A-SECOND"] == "pass", printed


def test_a_datetime_is_one_written_as_the_seed_writes_it_or_with_a_t() -> None:
    """The seed's own example puts a space between the date and the time."""
    judge = checks.fields_have_their_sdl_types
    for stamp in ("2021-03-24 17:26:46.983Z", "2021-03-24T17:26:46.983Z", "2021-03-24T17:26:46Z"):
        memo = {"id": "m1", "createdAt": stamp, "updatedAt": stamp}
        assert judge({"data": {"creditMemos": [memo]}}) == 1, stamp
    for stamp in ("yesterday", "2021-03-24", "17:26:46", "2021-13-24 17:26:46.983Z"):
        with pytest.raises(AssertionError, match="not of type DateTime"):
            judge({"data": {"creditMemos": [{"id": "m1", "createdAt": stamp}]}})


def _refusal(body: Any, date: str | None = None) -> httpx.Response:
    headers = {"date": date} if date else {}
    return httpx.Response(429, json=body, headers=headers)


def test_only_a_429_of_the_per_second_window_filled_by_the_probes_fails_the_rate_rule() -> None:
    """A 429 of the hour's window, or of a window full before the probes began, is the
    organisation's other traffic: it skips, never fails."""
    from contracts.vendors.kojo.rules import _not_the_probes, _window_ahead

    sent = "Wed, 01 Jan 2030 00:00:00 GMT"
    second = _refusal({"retryAfter": 1, "resetAt": "2030-01-01 00:00:01.000Z"}, sent)
    hour = _refusal({"retryAfter": 1800, "resetAt": "2030-01-01T00:30:00.000Z"}, sent)
    reset_later = _refusal({"retryAfter": 1, "resetAt": "2030-01-01T00:10:00.000Z"}, sent)
    assert _window_ahead(second) == 1
    assert _window_ahead(hour) == 1800
    assert _window_ahead(reset_later) == 600
    assert _window_ahead(_refusal({"errors": [{"message": "slow down"}]})) is None
    assert _not_the_probes([(6, 1.0, ""), (7, 1.0, "")]) is None
    assert "hour" in str(_not_the_probes([(6, 1.0, ""), (7, 1800.0, "")]))
    assert "neither retryAfter nor resetAt" in str(_not_the_probes([(6, None, "")]))
    assert "other traffic" in str(_not_the_probes([(1, 1.0, ""), (2, 1.0, "")]))
