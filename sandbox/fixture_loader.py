"""The part of fixture loading every vendor shares: calls through the sandbox's own HTTP APIs,
references between entries, and the errors that name the entry at fault.

Each vendor's ``fixtures.py`` walks its own section of a fixture with a :class:`FixtureLoader`;
``sandbox/fixtures.py`` runs them in the registry's order, all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from sandbox.runtime import INTERNAL_HEADER

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
        self.tenant_id = str(tenant["id"])
        self.credentials: Mapping[str, Any] = tenant["credentials"]
        self._internal = {INTERNAL_HEADER: internal}
        # what the control API's own seeding routes ask for, when the sandbox has an admin token
        self.control_headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        self.created: dict[str, dict[str, str]] = {}  # "vendor.section" → ref → id

    async def call(
        self,
        where: str,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Json | None = None,
        raw: bytes | None = None,
    ) -> Json:
        """One request for the entry at ``where``; a refusal is a :class:`FixtureError`."""
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

    def remember(self, where: str, entry: Json, object_id: str) -> None:
        """The object the entry made, under its ``ref``, for later entries to name."""
        section = where.split("[", 1)[0]
        ref = entry.get("ref")
        if ref is not None:
            known = self.created.setdefault(section, {})
            if str(ref) in known:
                raise FixtureError(f"{where}.ref: {ref!r} names an earlier entry too")
            known[str(ref)] = object_id

    def refs(self, where: str, entry: Json, **sections: str) -> dict[str, str]:
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

    def ref_fields(self, where: str, entry: Json, **fields: tuple[str, str]) -> dict[str, str]:
        """The entry's references as the API's fields: ``key=(section, field name)``."""
        sections = {key: section for key, (section, _) in fields.items()}
        return {fields[key][1]: found for key, found in self.refs(where, entry, **sections).items()}


def mapping(value: Any, where: str) -> Json:
    if not isinstance(value, dict):
        raise FixtureError(f"{where}: a mapping")
    return value


def listed(value: Any, where: str) -> list[Json]:
    """A list of mappings (nothing when left out)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise FixtureError(f"{where}: a list of mappings")
    return value


def entries(section: Json, vendor: str, name: str) -> list[tuple[str, Json]]:
    """The entries of ``vendor.name``, each with where it is (for errors)."""
    return [
        (f"{vendor}.{name}[{number}]", entry)
        for number, entry in enumerate(listed(section.get(name), f"{vendor}.{name}"))
    ]


def body(entry: Json, *own: str) -> Json:
    """The entry without ``ref`` and the sandbox's ``own`` keys (references resolved apart,
    lifecycle steps): what the vendor's API takes."""
    return {k: v for k, v in entry.items() if k != "ref" and k not in own}
