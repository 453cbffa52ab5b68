"""DayZero in the benchmark: get, list, create and apply, and how they scale with the memos.

Every operation acts on real data of one tenant: a memo to read, 60 memos to list 50 of, a
customer to credit, and an issued memo and an open invoice large enough to take a cent-sized
apply on every request of the run.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from typing import Any

from bench.load import Request
from bench.vendors import Ids, ScalingWorkload, Tables, Tenant, VendorBench
from contracts.vendors.dayzero.client import DayZeroClient, DayZeroCredentials

API = "/api/v1"
BIG = 2_000_000_000  # cents: room for a cent-sized apply on every request of a run
MEMO_BODY_CENTS = 1000
GET = "DayZero get memo"
LIST = "DayZero list memos (limit 50)"
CREATE = "DayZero create memo"
APPLY = "DayZero apply"


def _client(tenant: Tenant) -> DayZeroClient:
    credentials = DayZeroCredentials.of(tenant.credentials)
    return DayZeroClient(tenant.http, credentials, prefix=tenant.mount, tag="Bench")


def basics(tenant: Tenant) -> Ids:
    """A customer, an open invoice of ``BIG`` cents and an issued memo of ``BIG`` cents."""
    api = _client(tenant)
    customer = api.customer()["id"]
    invoice = api.open_invoice(customer, BIG)["id"]
    memo = api.issued_memo(customer, BIG)["id"]
    return {"customer": customer, "invoice": invoice, "big_memo": memo}


def requests(
    base: str, credentials: Mapping[str, str], ids: Mapping[str, str]
) -> dict[str, Request]:
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
        APPLY: Request(
            "POST",
            f"{base}{API}/credit-memos/{ids['big_memo']}/apply",
            auth,
            {"invoice_id": ids["invoice"], "amount_cents": 1},
        ),
    }


def prepare(tenant: Tenant) -> dict[str, Request]:
    ids = basics(tenant)
    api = _client(tenant)
    for _ in range(60):
        memo = api.memo(ids["customer"], MEMO_BODY_CENTS)
    ids["memo"] = memo["id"]
    return requests(tenant.mount_url, tenant.credentials, ids)


def tables(
    snapshot: Tables,
    template_credentials: Mapping[str, Any],
    credentials: Mapping[str, Any],
    memos: int,
) -> tuple[Tables, Ids]:
    """A tenant's tables from the template's, with ``memos`` draft memos beside the big one
    (new ids throughout, the tenant's business id); and the ids its requests name."""
    text = json.dumps(snapshot).replace(
        template_credentials["business_id"], credentials["business_id"]
    )
    tables: Tables = json.loads(text)
    customer = next(iter(tables["dayzero_customers"].values()))
    invoice = next(iter(tables["dayzero_invoices"].values()))
    big = next(iter(tables["dayzero_credit_memos"].values()))
    for document in (customer, invoice, big):
        old_id, new_id = document["id"], str(uuid.uuid4())
        tables = json.loads(json.dumps(tables).replace(old_id, new_id))
    customer = next(iter(tables["dayzero_customers"].values()))
    invoice = next(iter(tables["dayzero_invoices"].values()))
    big = next(iter(tables["dayzero_credit_memos"].values()))
    draft = {**copy.deepcopy(big), "state": "draft", "amount_cents": 1000, "applications": []}
    memo_table = {"1": big}
    for number in range(2, memos + 2):
        memo_table[str(number)] = {**draft, "id": str(uuid.uuid4()), "number": f"CM-{number:04d}"}
    tables["dayzero_credit_memos"] = memo_table
    for counter in tables["dayzero_counters"].values():
        if counter["key"].startswith("credit_memo:"):
            counter["value"] = memos + 1
    middle = memo_table[str(memos // 2 + 2)]["id"]
    ids = {
        "customer": customer["id"],
        "invoice": invoice["id"],
        "big_memo": big["id"],
        "memo": middle,
    }
    return tables, ids


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
