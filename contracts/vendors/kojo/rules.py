"""Kojo's documented behaviour as rules (seed 002 and Kojo's public documentation).

Kojo's API only reads, so the rules only read. Those that need credit memos to page through use
the target's own; on a creditbox sandbox with ``--allow-writes`` the
:class:`~contracts.vendors.kojo.client.KojoClient` a rule gets first seeds a tagged invoice with
credit memos through the control API.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import itertools
import re
import time
from functools import partial
from typing import Any

import httpx

from contracts.api_client import expect_status
from contracts.rules import Skipped, rule
from contracts.vendors.kojo.client import KojoClient

SEED = "seeds/002_7688847675900ee0.txt (Credit Memos)"
ERRORS_PAGE = "https://docs.kojo.tech/docs/standards/errors"
FILTERS_PAGE = "https://seller.kojo.tech/docs/standards/filters"
FACTS = "vendor-facts.md, Kojo"
kojo_rule = partial(rule, "kojo")


# the rules ---------------------------------------------------------------------------------


BEARER_TOKEN = f"{FACTS}: Authorization: Bearer <token> from POST /oauth2/token; {ERRORS_PAGE}"


@kojo_rule("KJ-AUTH-REQUIRED", source=BEARER_TOKEN)
def auth_required(api: KojoClient) -> None:
    """A query without a valid Bearer token is refused with errors and no data, with HTTP 200 as
    every GraphQL result."""
    for token in ("", "not-a-token"):
        response = api.post("{ creditMemos(limit: 1) { id } }", token=token)
        body = response.json()
        assert body.get("errors"), f"a query with token {token!r} answered without errors"
        assert not (body.get("data") or {}).get("creditMemos"), "the refused query returned data"
        assert response.status_code == 200, (
            f"a query with token {token!r} was refused with HTTP {response.status_code}; Kojo "
            "answers every GraphQL result, errors included, with HTTP 200"
        )


LEGACY_KEYS = (
    "https://docs.kojo.tech/docs (authentication): an OAuth 2.0 access token or a legacy "
    "API key; legacy keys never expire"
)


@kojo_rule("KJ-LEGACY-API-KEY", source=LEGACY_KEYS)
def legacy_api_key(api: KojoClient) -> None:
    """A legacy API key, sent as the Bearer token, is accepted: the query answers data and no
    errors."""
    response = api.post("{ creditMemos(limit: 1) { id } }", token=api.legacy_api_key())
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), (
        f"a query with the legacy API key answered {response.status_code}: {str(body)[:200]}"
    )
    assert isinstance((body.get("data") or {}).get("creditMemos"), list), "no creditMemos came"


TOKEN_STEP = f"{FACTS}: client_credentials → {{access_token, token_type: bearer, expires_in: 3600}}"


@kojo_rule("KJ-TOKEN-CLIENT-CREDENTIALS", source=TOKEN_STEP)
def token_endpoint(api: KojoClient) -> None:
    """POST /oauth2/token (client_credentials) answers a bearer token valid 3600 seconds."""
    response = api.request_token()
    expect_status(response, 200, "the token endpoint")
    body = response.json()
    api.keep_secret(str(body.get("access_token")))
    assert str(body.get("token_type", "")).lower() == "bearer", (
        f"token_type is {body.get('token_type')}"
    )
    assert body.get("expires_in") == 3600, f"expires_in is {body.get('expires_in')}"


ERROR_ENTRIES = f"{ERRORS_PAGE}: errors [{{message, requestId}}]; always HTTP 200"


@kojo_rule("KJ-ERROR-SHAPE", source=ERROR_ENTRIES)
def error_shape(api: KojoClient) -> None:
    """A malformed query, and a body that is not a GraphQL request, are answered with HTTP 200 and
    {errors: [{message, requestId}]}."""
    for query in ("{ creditMemos(limit: 1 { id } }", "{ creditMemos { noSuchField } }"):
        for error in api.errors(query):
            assert error.get("message") and error.get("requestId"), f"an error entry is {error}"
    bodies: list[dict[str, Any]] = [{"query": "{ creditMemos(limit: 1 { id } }"}, {"variables": {}}]
    for body in bodies:
        response = api.call("POST", "/graphql", json=body)
        assert response.status_code == 200, (
            f"{body} was refused with HTTP {response.status_code}; Kojo answers every GraphQL "
            "result, errors included, with HTTP 200"
        )
        assert response.json().get("errors"), f"{body} answered without errors"


# one query for each kind of error a GraphQL server answers: (what it is, query, variables)
ERROR_KINDS: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("a syntax error", "{ creditMemos(limit: 1 { id } }", None),
    ("an unknown field", "{ creditMemos(limit: 1) { noSuchField } }", None),
    ("an unknown argument", "{ creditMemos(noSuchArgument: 1) { id } }", None),
    ("an argument of the wrong type", '{ creditMemos(limit: "ten") { id } }', None),
    ("a DateTime that is not one", '{ creditMemos(updatedAfter: "yesterday") { id } }', None),
    ("a limit over 100", "{ creditMemos(limit: 101) { id } }", None),
    (
        "a variable of the wrong type",
        "query($limit: Int) { creditMemos(limit: $limit) { id } }",
        {"limit": "ten"},
    ),
)
EVERY_ERROR_200 = f"{ERRORS_PAGE}: GraphQL APIs will always return HTTP code 200; {FACTS}"


@kojo_rule("KJ-ERRORS-HTTP-200", source=EVERY_ERROR_200)
def errors_http_200(api: KojoClient) -> None:
    """Every kind of GraphQL error (a syntax error, an unknown field or argument, an argument or
    variable of the wrong type, a limit over 100) is answered with HTTP 200 and
    {errors: [{message, requestId}]}."""
    wrong: list[str] = []
    for kind, query, variables in ERROR_KINDS:
        response = api.post(query, variables)
        try:
            body = response.json()
        except ValueError:
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if response.status_code != 200:
            wrong.append(f"{kind} got HTTP {response.status_code}")
        if not isinstance(errors, list) or not errors:
            wrong.append(f"{kind} got no errors list: {response.text[:200]}")
            continue
        for error in errors:
            if not (isinstance(error, dict) and error.get("message") and error.get("requestId")):
                wrong.append(f"{kind} got an error entry without message or requestId: {error}")
    assert not wrong, "; ".join(wrong)


@kojo_rule("KJ-LIMIT-MAX-100", source=f"{FACTS}: limit (default and maximum 100)")
def limit_max(api: KojoClient) -> None:
    """A limit above 100 is an error, not a silent cut to 100."""
    response = api.post("{ creditMemos(limit: 101) { id } }")
    body = response.json()
    assert body.get("errors"), (
        f"limit 101 answered {len(body['data']['creditMemos'])} memos and no error"
    )


OFFSETS = f"{FACTS}: plural fields take limit and offset (default 0)"


@kojo_rule("KJ-PAGINATION-EXACTLY-ONCE", source=OFFSETS)
def pagination(api: KojoClient) -> None:
    """Paging with limit and offset returns every credit memo exactly once, in order."""
    everything = api.enough_memos()
    paged: list[str] = []
    for offset in range(0, len(everything), 2):
        paged += api.memo_ids(f"limit: 2, offset: {offset}")
    assert paged == everything, (
        f"pages of 2 gave {len(paged)} memos ({len(set(paged))} distinct); "
        f"one page of 100 gave {len(everything)}"
    )


ORDER = f"{FACTS}: orderBy (default createdAt), direction (ASC|DESC, default ASC)"


@kojo_rule("KJ-ORDER-DIRECTION", source=ORDER)
def order_direction(api: KojoClient) -> None:
    """direction DESC lists credit memos in the reverse order of ASC (default createdAt)."""
    ascending = api.enough_memos()
    descending = api.memo_ids("limit: 100, direction: DESC")
    if len(ascending) == 100:
        raise Skipped("more than 100 credit memos: the two orders cannot be compared whole")
    assert descending == list(reversed(ascending)), "DESC is not the reverse of ASC"
    stamps = [
        memo["updatedAt"]
        for memo in api.data("{ creditMemos(limit: 100, orderBy: updatedAt) { updatedAt } }")[
            "creditMemos"
        ]
    ]
    assert stamps == sorted(stamps), "orderBy: updatedAt is not in updatedAt order"


FILTERS_PAGE_ORDER = f"{FILTERS_PAGE}: orderBy any string, numeric or date-time field"


@kojo_rule("KJ-ORDER-BY-ANY-SCALAR", source=FILTERS_PAGE_ORDER)
def order_by_any_scalar(api: KojoClient) -> None:
    """orderBy takes a number field too: credit memos by totalDue come in totalDue order both
    ways."""
    api.enough_memos()
    for direction in ("ASC", "DESC"):
        arguments = f"limit: 100, orderBy: totalDue, direction: {direction}"
        query = f"{{ creditMemos({arguments}) {{ totalDue }} }}"
        dues = [memo["totalDue"] for memo in api.data(query)["creditMemos"]]
        if len(set(map(str, dues))) < 2:
            raise Skipped("the credit memos all have the same totalDue: no order can show")
        assert dues == sorted(dues, reverse=direction == "DESC"), (
            f"orderBy: totalDue {direction} listed totalDue as {dues[:8]}"
        )


UPDATED_AFTER = f"{FILTERS_PAGE}: lists take updatedAfter; specs/kojo.graphql"


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _moment(stamp: str) -> dt.datetime:
    """A DateTime as Kojo shows it (a fraction past microseconds cut, a Z read as UTC)."""
    return dt.datetime.fromisoformat(_FRACTION.sub(r"\1", stamp.replace("Z", "+00:00")))


def _resolution(stamps: list[dt.datetime]) -> dt.timedelta:
    """The finest unit the target shows its moments in: a second, a millisecond or a
    microsecond (what it keeps behind them, Kojo does not say)."""
    if all(stamp.microsecond == 0 for stamp in stamps):
        return dt.timedelta(seconds=1)
    if all(stamp.microsecond % 1000 == 0 for stamp in stamps):
        return dt.timedelta(milliseconds=1)
    return dt.timedelta(microseconds=1)


def _cut_off(stamps: list[dt.datetime]) -> dt.datetime | None:
    """A moment, to the millisecond, in the middle of the widest gap between neighbouring
    distinct ``stamps`` and at least one unit of the precision they are shown in away from both
    ends (a moment shown rounded or cut may be up to a unit off); None when no gap is wide
    enough. No record was updated at the cut-off itself, so whether updatedAfter includes its
    moment (Kojo does not say) makes no difference."""
    distinct = sorted(set(stamps))
    widest = max(itertools.pairwise(distinct), key=lambda pair: pair[1] - pair[0], default=None)
    if widest is None:
        return None
    unit = _resolution(distinct)
    earlier, later = widest
    middle = earlier + (later - earlier) / 2
    cut = middle.replace(microsecond=middle.microsecond // 1000 * 1000)
    return cut if earlier + unit <= cut <= later - unit else None


def _updated_after_holds(api: KojoClient, field: str) -> str | None:
    """Checks ``updatedAfter`` on the list ``field``; why the data cannot tell, if it cannot."""
    listed = "limit: 100, orderBy: updatedAt"
    rows = api.data(f"{{ {field}({listed}) {{ id updatedAt }} }}")[field]
    stamps = {
        row["id"]: _moment(row["updatedAt"])
        for row in rows
        if isinstance(row.get("updatedAt"), str)
    }
    cut = _cut_off(list(stamps.values()))
    if cut is None:
        return f"{field}: no two updatedAt far enough apart for a cut-off between them"
    text = cut.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    query = f'{{ {field}({listed}, updatedAfter: "{text}") {{ id updatedAt }} }}'
    after = api.data(query)[field]
    before = [
        row.get("id")
        for row in after
        if not isinstance(row.get("updatedAt"), str) or _moment(row["updatedAt"]) <= cut
    ]
    assert not before, (
        f"{field}(updatedAfter: {text}) returned {len(before)} updated at or before it, e.g. "
        f"{before[:3]}"
    )
    # Those seen updated after the cut-off are fewer than a page, so they are all on the filtered
    # list's first page whichever way it is ordered. Others it holds were updated after the cut-off
    # too (the check above): on a live target, records made or changed between the two queries.
    missing = {id_ for id_, stamp in stamps.items() if stamp > cut} - {
        row.get("id") for row in after
    }
    assert not missing, (
        f"{field}(updatedAfter: {text}) left out {len(missing)} updated after it, e.g. "
        f"{sorted(missing)[:3]}"
    )
    return None


@kojo_rule("KJ-UPDATED-AFTER", source=UPDATED_AFTER)
def updated_after(api: KojoClient) -> None:
    """updatedAfter lists only credit memos, and invoices, updated after the moment it names, and
    none of those seen updated after it left out (a cut-off between two of the target's own
    records, a unit of their shown precision away from both; skipped when no two are far enough
    apart)."""
    with contextlib.suppress(Skipped):  # the target's own records may still tell
        api.enough_memos()
    reasons = [
        reason
        for reason in (_updated_after_holds(api, field) for field in ("creditMemos", "invoices"))
        if reason
    ]
    if len(reasons) == 2:
        raise Skipped(f"the data cannot tell: {'; '.join(reasons)}")


LIMITS_PAGE = "https://docs.kojo.tech/docs/getting-started/api-limits: 20 requests a second"
# A named operation, so that what answers it can be told from the other rules' queries.
PROBE = "query RateLimitProbe { creditMemos(limit: 1) { id } }"
PROBES, PROBE_GAP = 10, 0.1  # ten queries a tenth of a second apart: half the documented rate


# How far ahead a 429 may say its window resets and still be the second's: the second, a second
# for the Date header's whole seconds (or the two clocks), and a second for the answer's way back.
SECOND_WINDOW = 3.0


def _seconds(value: Any) -> float | None:
    """A number of seconds, as a number or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _window_ahead(response: httpx.Response) -> float | None:
    """How many seconds ahead a 429 says its window resets: the later of its retryAfter (seconds)
    and its resetAt (against the response's Date, else this machine's clock); None when it says
    neither readably."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    ahead = [found] if (found := _seconds(body.get("retryAfter"))) is not None else []
    if isinstance(body.get("resetAt"), str):
        with contextlib.suppress(ValueError):
            reset = _moment(body["resetAt"])
            if reset.tzinfo is not None:
                ahead.append((reset - _server_now(response)).total_seconds())
    return max(ahead, default=None)


def _server_now(response: httpx.Response) -> dt.datetime:
    """When ``response`` was sent, by its Date header, else by this machine's clock."""
    with contextlib.suppress(TypeError, ValueError):
        sent = email.utils.parsedate_to_datetime(response.headers.get("date", ""))
        if sent.tzinfo is not None:
            return sent
    return dt.datetime.now(dt.UTC)


def _probed(api: KojoClient) -> list[tuple[int, float | None, str]]:
    """Ten queries a tenth of a second apart: the refused ones' (number, how far ahead their
    window resets, text)."""
    refused = []
    for number in range(1, PROBES + 1):
        if number > 1:
            time.sleep(PROBE_GAP)
        response = api.post(PROBE)
        if response.status_code == 429:
            refused.append((number, _window_ahead(response), response.text[:200]))
    return refused


def _not_the_probes(refused: list[tuple[int, float | None, str]]) -> str | None:
    """Why the refusals may not be the per-second window's, filled by the probes; None when
    every one says it is."""
    far = [ahead for _, ahead, _ in refused if ahead is not None and ahead > SECOND_WINDOW]
    if far:
        return (
            f"a 429 says its window resets {max(far):.0f} s ahead: the hour's 3,600 (or a longer "
            "window), which the organisation's other traffic may have filled, not the second's"
        )
    if any(ahead is None for _, ahead, _ in refused):
        return (
            "a 429 says neither retryAfter nor resetAt, so not which window it is "
            "(kojo_rate_limits_come_as_documented judges its body)"
        )
    if refused[0][0] == 1:
        return (
            "the first query, after a quiet second, was refused: other traffic of the "
            "organisation filled the window, not these queries"
        )
    return None


@kojo_rule("KJ-RATE-LIMIT-20-A-SECOND", source=f"{LIMITS_PAGE}; {FACTS}")
def rate_limit_20_a_second(api: KojoClient) -> None:
    """Queries well within the documented 20 a second (ten, a tenth of a second apart, after a
    quiet second) are all served: none is refused with a 429 whose retryAfter and resetAt say
    the per-second window, twice over (skipped when a 429 says a longer window, such as the
    hour's, or says none, or the window was full before the first query, or the ten are served
    the second time: the organisation's other traffic)."""
    refused: list[tuple[int, float | None, str]] = []
    for attempt in range(2):
        # the earlier queries (other rules', or the first ten) out of the window
        time.sleep(1 + max([0.0, *(ahead or 0.0 for _, ahead, _ in refused)]))
        refused = _probed(api)
        if not refused:
            if attempt:
                raise Skipped(
                    "ten queries were refused for the per-second window once, not the second "
                    "time: the organisation's other traffic, not these queries"
                )
            return
        reason = _not_the_probes(refused)
        if reason:
            raise Skipped(reason)
    raise AssertionError(
        f"{len(refused)} of {PROBES} queries sent under 10 a second were refused with 429 for "
        f"the per-second window, twice over; e.g. query {refused[0][0]}: {refused[0][2]}"
    )


HOUR_PAGE = "https://docs.kojo.tech/docs/getting-started/api-limits: 3,600 requests an hour"
HOUR = 3600.0
# the hour's window of a creditbox sandbox tenant, made small: what follows it is refused
HOUR_PROBES = 3
HOUR_PROBE = "query HourlyLimitProbe { creditMemos(limit: 1) { id } }"


@kojo_rule("KJ-RATE-LIMIT-HOURLY", source=f"{HOUR_PAGE}; {FACTS}", writes=True)
def rate_limit_hourly(api: KojoClient) -> None:
    """Kojo's limits are two windows per organisation: beside the 20 a second, 3,600 an hour.
    On a creditbox sandbox, whose tenant's rate limits it sets for the while (and puts back):
    the documented limits are the two windows; and with an hour's window of three queries, the
    fourth query of the hour is refused with a 429 in Kojo's body that says the hour (its window
    resets more than a minute ahead), not the second. Elsewhere it skips: 3,601 queries would
    spend the organisation's hour."""
    if api.tenant() is None:
        raise Skipped("needs a creditbox sandbox: 3,601 queries would use up the hour")
    url = f"{api.control}/tenants/{api.tenant()}/faults"
    with api.fault_settings({"rate_limits": [{"vendor": "kojo"}]}):
        read = api.http.request("GET", url)
        expect_status(read, 200, f"GET {url}")
        windows = {(w["limit"], w["window_seconds"]) for w in read.json()["rate_limits"]}
        assert windows == {(20, 1.0), (3600, HOUR)}, f"Kojo's documented limits read {windows}"
    hour = {"vendor": "kojo", "limit": HOUR_PROBES, "window_seconds": HOUR}
    with api.fault_settings({"rate_limits": [hour]}):
        for number in range(1, HOUR_PROBES + 1):
            answer = api.post(HOUR_PROBE)
            expect_status(answer, 200, f"query {number} of the hour's {HOUR_PROBES}")
        refused = api.post(HOUR_PROBE)
    assert refused.status_code == 429, (
        f"query {HOUR_PROBES + 1} of an hour that allows {HOUR_PROBES} answered "
        f"{refused.status_code}: {refused.text[:200]}"
    )
    ahead = _window_ahead(refused)
    assert ahead is not None and ahead > 60, (
        f"the hour's 429 says its window resets {ahead} s ahead, not the hour's: "
        f"{refused.text[:200]}"
    )


# five memos with everything nested: well within Kojo's 100 entities a request. Every field the
# seed gives CreditMemo and CreditMemoItem, with its type; of the nested Invoice and InvoiceItem,
# which the seed names only ("See Invoice docs"), the id, and those of the fields Kojo's invoice
# reference lists whose type their name makes certain (vendor-facts.md lists them without types):
# ids (ID), moments (DateTime), texts (String), and category (an enum, sent as a string). Not
# payments (an amount, or a list of payments?), exceptions (a list of what?), salesperson (a name,
# or a user?), invoiceDate and dueDate (a date, or a date and time?) nor createdById (non-null is
# ours): a target whose types differ from ours there would find the query invalid, or its answer
# of the wrong type, and it would be no fault of the target's.
EVERYTHING = """{
  creditMemos(limit: 5) {
    id createdAt updatedAt invoiceId creditMemoNumber subtotal tax shippingCostFloat payments
    totalDue
    invoice {
      id createdAt updatedAt deletedAt title invoiceNumber approvedAt approvedById paidAt
      paidById category flaggedAt flaggedById flagMessage rejectedAt rejectedById rejectedReason
    }
    creditMemoItems {
      id createdAt updatedAt creditMemoId invoiceItemId lineNumber quantity unitPriceFloat
      extPriceFloat unitsOfMeasure
      creditMemo { id }
      invoiceItem { id }
    }
  }
}"""


MEMO_FIELDS = f"{SEED}: CreditMemo and CreditMemoItem fields; specs/kojo.graphql (totalDue)"


@kojo_rule("KJ-MEMO-ARITHMETIC", source=MEMO_FIELDS)
def memo_arithmetic(api: KojoClient) -> None:
    """Queried in full, every credit memo's items, prices, subtotal and total due add up, every
    nested object is the one its id names, and every field has its type in the SDL."""
    from contracts.vendors.kojo import checks as checks

    api.enough_memos()
    body = {"data": api.data(EVERYTHING)}
    judged = {name: check(body) for name, check in checks.INVARIANTS.checks.items()}
    unjudged = [name for name, count in judged.items() if not count]
    assert not unjudged, f"the credit memos gave nothing to judge for {unjudged}"
