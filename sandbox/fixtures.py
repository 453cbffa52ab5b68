"""Fixtures: a tenant's demo or test data, described per vendor in that vendor's own terms.

A fixture (YAML for people, JSON for the control API) has one section per vendor. Each entry is
the body the vendor's API takes, plus a few sandbox keys: ``ref`` names the object so that later
entries can refer to it (``customer: acme`` instead of a UUID nobody knows yet), and steps such
as ``finalize``, ``issue``, ``apply``, ``approve``, ``send`` or ``void`` walk the object through
its lifecycle. See ``fixtures/demo.yaml`` for every key.

The loader goes through the vendors' own HTTP APIs (in process, with the tenant's credentials),
so a fixture obeys every rule an integrator's client does: an over-apply in a fixture is refused
as it would be over the wire. Solvimon invoices and Kojo data, which those APIs cannot create,
come through the control API's seeding routes. Requests the loader makes carry the sandbox's
internal header, so the tenant's faults do not fail them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx
import yaml

from sandbox.runtime import Sandbox
from sandbox.vendors.count.signature import sign
from specs import readings

VENDORS = ("dayzero", "count", "solvimon", "kojo")
INTERNAL_HEADER = "x-creditbox-internal"
PROFILE_SECTION = "profile"
# what a reference names: (the section of earlier entries, the API's field for the id)
DZ_CUSTOMER = ("dayzero.customers", "customer_id")
DZ_INVOICE = ("dayzero.invoices", "invoice_id")
COUNT_CUSTOMER = ("count.customers", "customerUuid")
COUNT_PRODUCT = ("count.products", "productUuid")
Json = dict[str, Any]


class FixtureError(ValueError):
    """The fixture cannot be loaded: names the entry and what the API answered."""


class FixtureLoader:
    """Loads one fixture into one tenant through ``http`` (a client of the whole sandbox)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        tenant: Mapping[str, Any],
        internal: str,
        admin_token: str | None = None,
    ) -> None:
        self._http = http
        self._tenant_id = str(tenant["id"])
        self._credentials = tenant["credentials"]
        self._internal = {INTERNAL_HEADER: internal}
        # what the control API's own seeding routes ask for, when the sandbox has an admin token
        self._control = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        self.created: dict[str, dict[str, str]] = {}  # "vendor.section" → ref → id

    async def load(self, fixture: Mapping[str, Any]) -> dict[str, dict[str, str]]:
        unknown = sorted(set(fixture) - set(VENDORS))
        if unknown:
            raise FixtureError(
                f"{unknown[0]}: not a vendor of this sandbox ({', '.join(VENDORS)}) "
                f"nor {PROFILE_SECTION!r}"
            )
        for vendor in VENDORS:
            section = fixture.get(vendor)
            if section:
                await getattr(self, f"_{vendor}")(_mapping(section, vendor))
        return self.created

    # DayZero ------------------------------------------------------------------------------------

    async def _dayzero(self, section: Json) -> None:
        credentials = self._credentials["dayzero"]
        headers = {
            "Authorization": f"Bearer {credentials['token']}",
            "x-business-id": credentials["business_id"],
        }

        async def call(where: str, method: str, path: str, body: Json | None = None) -> Json:
            return await self._call(where, method, f"/dayzero/api/v1{path}", headers, body)

        for where, entry in _entries(section, "dayzero", "customers"):
            created = await call(where, "POST", "/customers", _body(entry))
            self._remember(where, entry, created["id"])
        for where, entry in _entries(section, "dayzero", "invoices"):
            customer = self._ref_fields(where, entry, customer=DZ_CUSTOMER)
            body = {**_body(entry, "finalize", "customer"), **customer}
            created = await call(where, "POST", "/invoices", body)
            if entry.get("finalize"):
                await call(where, "POST", f"/invoices/{created['id']}/finalize")
            self._remember(where, entry, created["id"])
        for where, entry in _entries(section, "dayzero", "credit_memos"):
            body = {
                **_body(entry, "issue", "apply", "void", "customer", "invoice"),
                **self._ref_fields(where, entry, customer=DZ_CUSTOMER, invoice=DZ_INVOICE),
            }
            memo = (await call(where, "POST", "/credit-memos", body))["id"]
            self._remember(where, entry, memo)
            if entry.get("issue") or entry.get("apply"):
                await call(where, "POST", f"/credit-memos/{memo}/issue")
            for number, step in enumerate(_list(entry.get("apply"), f"{where}.apply")):
                step_where = f"{where}.apply[{number}]"
                apply = {
                    **_body(step, "invoice"),
                    **self._ref_fields(step_where, step, invoice=DZ_INVOICE),
                }
                await call(step_where, "POST", f"/credit-memos/{memo}/apply", apply)
            if entry.get("void"):
                reason = {"reason": str(entry["void"])}
                await call(where, "POST", f"/credit-memos/{memo}/void", reason)

    # COUNT --------------------------------------------------------------------------------------

    async def _count(self, section: Json) -> None:
        credentials = self._credentials["count"]

        async def call(where: str, method: str, path: str, body: Json | None = None) -> Json:
            raw = b"" if body is None else json.dumps(body).encode()
            stamp = str(int(time.time()))
            headers = {
                "x-client-id": credentials["client_id"],
                "x-timestamp": stamp,
                "x-signature": sign(credentials["client_secret"], method, path, stamp, raw),
                "Authorization": f"Bearer {credentials['access_token']}",
            }
            return await self._call(where, method, f"/count/partners{path}", headers, body, raw)

        for where, entry in _entries(section, "count", "customers"):
            created = await call(where, "POST", "/customers", _body(entry))
            self._remember(where, entry, created["id"])
        for where, entry in _entries(section, "count", "products"):
            created = await call(where, "POST", "/products", _body(entry))
            self._remember(where, entry, created["id"])
        for where, entry in _entries(section, "count", "invoices"):
            lines = []
            for number, line in enumerate(_list(entry.get("products"), f"{where}.products")):
                line_where = f"{where}.products[{number}]"
                product = self._ref_fields(line_where, line, product=COUNT_PRODUCT)
                lines.append({**_body(line, "product"), **product})
            body = {
                **_body(entry, "approve", "send", "apply", "products", "customer"),
                **self._ref_fields(where, entry, customer=COUNT_CUSTOMER),
                "products": lines,
            }
            record = (await call(where, "POST", "/invoices", body))["id"]
            self._remember(where, entry, record)
            onwards = entry.get("approve") or entry.get("send") or entry.get("apply")
            if onwards and body.get("isDraft", True):
                await call(where, "PATCH", f"/invoices/{record}/approve")
            if entry.get("send"):
                message = entry["send"] if isinstance(entry["send"], dict) else None
                await call(where, "POST", f"/invoices/{record}/send", message)
            applies = []
            for number, step in enumerate(_list(entry.get("apply"), f"{where}.apply")):
                step_where = f"{where}.apply[{number}]"
                target = self._refs(step_where, step, invoice="count.invoices")["invoice"]
                applies.append({"id": target, "amount": step.get("amount")})
            if applies:
                credit = {"invoices": applies}
                path = f"/invoices/{record}/apply-credit-to-multiple-invoices"
                await call(where, "PATCH", path, credit)

    # Solvimon -----------------------------------------------------------------------------------

    async def _solvimon(self, section: Json) -> None:
        headers = {"X-API-KEY": self._credentials["solvimon"]["api_key"]}
        for where, entry in _entries(section, "solvimon", "invoices"):
            path = f"/_sandbox/tenants/{self._tenant_id}/solvimon/invoices"
            created = await self._call(where, "POST", path, self._control, _body(entry))
            self._remember(where, entry, created["id"])
        for where, entry in _entries(section, "solvimon", "credits"):
            original = self._refs(where, entry, invoice="solvimon.invoices")["invoice"]
            body = _body(entry, "invoice")
            path = f"/solvimon/v1/invoices/{original}/credit"
            created = await self._call(where, "POST", path, headers, body)
            self._remember(where, entry, created["id"])

    # Kojo ---------------------------------------------------------------------------------------

    async def _kojo(self, section: Json) -> None:
        base = f"/_sandbox/tenants/{self._tenant_id}/kojo"
        items: dict[str, list[str]] = {}
        for where, entry in _entries(section, "kojo", "invoices"):
            body = _body(entry)
            created = await self._call(where, "POST", f"{base}/invoices", self._control, body)
            self._remember(where, entry, created["id"])
            items[created["id"]] = [item["id"] for item in created["invoiceItems"]]
        for where, entry in _entries(section, "kojo", "credit_memos"):
            invoice = self._refs(where, entry, invoice="kojo.invoices")["invoice"]
            credited = []
            for number, item in enumerate(_list(entry.get("items"), f"{where}.items")):
                position = item.get("item")
                if not isinstance(position, int) or not 1 <= position <= len(items[invoice]):
                    raise FixtureError(
                        f"{where}.items[{number}].item: the number (1…{len(items[invoice])}) "
                        "of an item of the memo's invoice"
                    )
                line = {k: v for k, v in item.items() if k != "item"}
                credited.append({**line, "invoiceItemId": items[invoice][position - 1]})
            body = {**_body(entry, "invoice", "items"), "invoiceId": invoice, "items": credited}
            created = await self._call(where, "POST", f"{base}/credit-memos", self._control, body)
            self._remember(where, entry, created["id"])

    # plumbing -----------------------------------------------------------------------------------

    async def _call(
        self,
        where: str,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Json | None = None,
        raw: bytes | None = None,
    ) -> Json:
        content = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        sent = {**headers, **self._internal}
        if content is not None:
            sent["Content-Type"] = "application/json"
        response = await self._http.request(method, path, headers=sent, content=content)
        if response.status_code >= 300:
            raise FixtureError(
                f"{where}: {method} {path} answered {response.status_code}: {response.text[:500]}"
            )
        answer: Json = response.json()
        return answer

    def _remember(self, where: str, entry: Json, object_id: str) -> None:
        section = where.split("[", 1)[0]
        ref = entry.get("ref")
        if ref is not None:
            known = self.created.setdefault(section, {})
            if str(ref) in known:
                raise FixtureError(f"{where}.ref: {ref!r} names an earlier entry too")
            known[str(ref)] = object_id

    def _refs(self, where: str, entry: Json, **sections: str) -> dict[str, str]:
        """The ids behind the entry's references: ``{key: id}`` for each key present."""
        found = {}
        for key, section in sections.items():
            if key in entry:
                ref = str(entry[key])
                object_id = self.created.get(section, {}).get(ref)
                if object_id is None:
                    raise FixtureError(f"{where}.{key}: no earlier {section} entry has ref {ref!r}")
                found[key] = object_id
        return found

    def _ref_fields(self, where: str, entry: Json, **fields: tuple[str, str]) -> dict[str, str]:
        """The entry's references as the API's fields: ``key=(section, field name)``."""
        sections = {key: section for key, (section, _) in fields.items()}
        return {
            fields[key][1]: found for key, found in self._refs(where, entry, **sections).items()
        }


def _mapping(value: Any, where: str) -> Json:
    if not isinstance(value, dict):
        raise FixtureError(f"{where}: a mapping")
    return value


def _list(value: Any, where: str) -> list[Json]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise FixtureError(f"{where}: a list of mappings")
    return value


def _entries(section: Json, vendor: str, name: str) -> list[tuple[str, Json]]:
    return [
        (f"{vendor}.{name}[{number}]", entry)
        for number, entry in enumerate(_list(section.get(name), f"{vendor}.{name}"))
    ]


def _body(entry: Json, *own: str) -> Json:
    """The entry without ``ref`` and the sandbox's ``own`` keys (references resolved apart,
    lifecycle steps): what the vendor's API takes."""
    return {k: v for k, v in entry.items() if k != "ref" and k not in own}


async def load_into(sandbox: Sandbox, tenant_id: str, fixture: Mapping[str, Any]) -> Json:
    """Load a fixture into a tenant, all or nothing: if any entry is refused, the tenant's data
    goes back to what it was before (requests other clients made meanwhile go with it).

    A ``profile`` section (disputed point → reading, ``specs/disputed-points.yaml``) becomes the
    tenant's own choice once the data has loaded. The data itself loads in the default readings
    (the sandbox's own requests always do), so one fixture file serves every profile."""
    tenant = sandbox.tenants.get(tenant_id)
    vendor_sections = {key: value for key, value in fixture.items() if key != PROFILE_SECTION}
    try:
        choices = readings.check_choices(fixture.get(PROFILE_SECTION) or {})
    except readings.ProfileError as problem:
        raise FixtureError(f"{PROFILE_SECTION}: {problem}") from None
    before = sandbox.store.export_tenant(tenant_id)
    async with sandbox.loopback.client() as http:
        try:
            loader = FixtureLoader(http, tenant, sandbox.loopback.token, sandbox.admin_token)
            created = await loader.load(vendor_sections)
        except BaseException:
            sandbox.store.import_tenant(tenant_id, before)
            raise
    if choices:
        sandbox.tenants.set_profile(tenant_id, choices)
    return {"tenant_id": tenant_id, "created": created}


def read(path: str) -> Any:
    """A fixture file (YAML, or JSON, which is YAML too). A vendor's section left empty
    (``count:`` with nothing under it, as a template leaves it) loads nothing for that vendor."""
    with open(path, encoding="utf-8") as stream:
        try:
            fixture = yaml.safe_load(stream)
        except yaml.YAMLError as problem:
            raise FixtureError(f"{path}: not YAML: {problem}") from None
    if isinstance(fixture, dict):
        fixture = {section: entries for section, entries in fixture.items() if entries is not None}
    return fixture
