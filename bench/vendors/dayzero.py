"""DayZero in the benchmark: get, list, create and apply, and how they scale with the memos.

Every operation acts on real data of one tenant: a memo to read, 60 memos to list 50 of, a
customer to credit, and 500 issued memos, each with an open invoice of its own. The apply
credits a cent of each memo to its invoice in turn, so over a whole run every memo carries a
few tens of applications, as a customer's memo does, and not the thousands that applying one
memo again and again would pile on it (each apply stores the memo and reads all of them).
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from bench.load import Request, Variant
from bench.vendors import Ids, ScalingWorkload, Tables, Tenant, VendorBench
from contracts.vendors.dayzero.client import DayZeroClient, DayZeroCredentials

API = "/api/v1"
BIG = 2_000_000_000  # cents: the scaling template's memo and invoice, room for any run's applies
# the memos the apply goes round, each with its invoice: a full run (3 rounds of 5 s under
# load, 3 of 3 s with one client) even at 1,000 applies a second gives each about 50
APPLIED_MEMOS = 500
# cents of each memo and of its invoice: far more than a run's cent-sized applies use up
APPLIED_CENTS = 1_000_000
MEMO_BODY_CENTS = 1000
GET = "DayZero get memo"
LIST = "DayZero list memos (limit 50)"
CREATE = "DayZero create memo"
APPLY = "DayZero apply"


def _client(tenant: Tenant) -> DayZeroClient:
    credentials = DayZeroCredentials.of(tenant.credentials)
    return DayZeroClient(tenant.http, credentials, prefix=tenant.mount, tag="Bench")


def basics(tenant: Tenant) -> Ids:
    """The scaling template: a customer, an open invoice of ``BIG`` cents and an issued memo of
    ``BIG`` cents, which ``tables`` copies."""
    api = _client(tenant)
    customer = api.customer()["id"]
    invoice = api.open_invoice(customer, BIG)["id"]
    memo = api.issued_memo(customer, BIG)["id"]
    return {"customer": customer, "invoice": invoice, "big_memo": memo}


def applied_pairs(api: DayZeroClient, customer: str, count: int) -> Ids:
    """``count`` issued memos of the customer, each with an open invoice of its own, of
    ``APPLIED_CENTS`` each: what the apply goes round."""
    invoices = tuple(api.open_invoice(customer, APPLIED_CENTS)["id"] for _ in range(count))
    memos = tuple(api.issued_memo(customer, APPLIED_CENTS)["id"] for _ in range(count))
    return {"applied_memos": memos, "applied_invoices": invoices}


def apply(
    base: str, auth: dict[str, str], memos: Sequence[str], invoices: Sequence[str]
) -> Request:
    """A cent of each memo applied to an invoice, memo after memo: the n-th memo to the n-th
    invoice, going round ``invoices`` when there are fewer of them."""
    variants = [
        Variant(
            f"{base}{API}/credit-memos/{memo}/apply",
            {"invoice_id": invoices[number % len(invoices)], "amount_cents": 1},
        )
        for number, memo in enumerate(memos)
    ]
    return Request.cycling("POST", auth, variants)


def requests(base: str, credentials: Mapping[str, str], ids: Ids) -> dict[str, Request]:
    """The four operations against ``base`` (the mount, or Prism's root)."""
    auth = DayZeroCredentials.of(credentials).headers()
    return {
        GET: Request("GET", f"{base}{API}/credit-memos/{ids['memo']}", auth),
        LIST: Request("GET", f"{base}{API}/credit-memos?limit=50", auth),
        CREATE: Request(
            "POST",
            f"{base}{API}/credit-memos",
            auth,
            {"customer_id": ids["customer"], "amount_cents": MEMO_BODY_CENTS},
        ),
        APPLY: apply(base, auth, ids["applied_memos"], ids["applied_invoices"]),
    }


def prepare(tenant: Tenant) -> dict[str, Request]:
    api = _client(tenant)
    customer = api.customer()["id"]
    ids: Ids = {"customer": customer, **applied_pairs(api, customer, APPLIED_MEMOS)}
    for _ in range(60):
        memo = api.memo(customer, MEMO_BODY_CENTS)
    ids["memo"] = memo["id"]
    return requests(tenant.mount_url, tenant.credentials, ids)


def tables(
    snapshot: Tables,
    template_credentials: Mapping[str, Any],
    credentials: Mapping[str, Any],
    memos: int,
) -> tuple[Tables, Ids]:
    """A tenant's tables from the template's, with ``memos`` memos beside the template's issued
    one (new ids throughout, the tenant's business id); and the ids its requests name.

    The first of them, up to ``APPLIED_MEMOS`` in all with the template's, are issued copies of
    it, the rest drafts. The apply goes round the issued ones, each crediting the one invoice
    (which keeps only its running total, so it does not grow with them): no memo piles up
    applications, and every size still has ``memos`` + 1 memos and one invoice."""
    tables = _renamed(snapshot, template_credentials, credentials)
    invoice = next(iter(tables["dayzero_invoices"].values()))
    big = next(iter(tables["dayzero_credit_memos"].values()))
    draft = {**copy.deepcopy(big), "state": "draft", "amount_cents": 1000, "applications": []}
    issued = min(memos, APPLIED_MEMOS - 1)
    memo_table = {"1": big}
    for number in range(2, memos + 2):
        # shallow copies: the tables are written out as JSON before anything could change them
        like = big if number <= issued + 1 else draft
        memo_table[str(number)] = {**like, "id": str(uuid.uuid4()), "number": f"CM-{number:04d}"}
    tables["dayzero_credit_memos"] = memo_table
    for counter in tables["dayzero_counters"].values():
        if counter["key"].startswith("credit_memo:"):
            counter["value"] = memos + 1
    ids: Ids = {
        "customer": next(iter(tables["dayzero_customers"].values()))["id"],
        "memo": memo_table[str(memos // 2 + 2)]["id"],
        "applied_memos": tuple(memo_table[str(n)]["id"] for n in range(1, issued + 2)),
        "applied_invoices": (invoice["id"],),
    }
    return tables, ids


def _renamed(
    snapshot: Tables, template_credentials: Mapping[str, Any], credentials: Mapping[str, Any]
) -> Tables:
    """The template's tables under the tenant's business id, its customer, invoice and memo
    with new ids."""
    text = json.dumps(snapshot).replace(
        template_credentials["business_id"], credentials["business_id"]
    )
    for table in ("dayzero_customers", "dayzero_invoices", "dayzero_credit_memos"):
        old_id = next(iter(json.loads(text)[table].values()))["id"]
        text = text.replace(old_id, str(uuid.uuid4()))
    renamed: Tables = json.loads(text)
    return renamed


OPERATIONS = (GET, LIST, CREATE, APPLY)

BENCH = VendorBench(
    operations=OPERATIONS,
    prepare=prepare,
    over_prism=OPERATIONS,  # writes included
    over_ceiling={GET: "get memo"},
    one_client_under_prism=OPERATIONS,
    scaling=ScalingWorkload(
        title="DayZero operations",
        unit="memos",
        columns={GET: "get", LIST: "list (50)", CREATE: "create", APPLY: "apply"},
        seed=basics,
        tables=tables,
        requests=requests,
    ),
)
