"""Tally's section of a fixture: ``notes``, each issued and (``used``) partly used."""

from __future__ import annotations

from sandbox.fixture_loader import FixtureLoader, Json, body, entries


async def load(loader: FixtureLoader, section: Json) -> None:
    headers = {"X-Tally-Key": loader.credentials["tally"]["api_key"]}
    for where, entry in entries(section, "tally", "notes"):
        note = await loader.call(where, "POST", "/tally/notes", headers, body(entry, "used"))
        if entry.get("used"):
            used = {"amount": entry["used"]}
            await loader.call(where, "POST", f"/tally/notes/{note['id']}/use", headers, used)
        loader.remember(where, entry, note["id"])
