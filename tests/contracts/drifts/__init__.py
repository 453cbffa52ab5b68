"""Drifts for the drifting proxy (``tests/support/drift_proxy.py``), written from what each vendor
documents, not from the harness's rules: per vendor, a balance off by a minor unit, a refusal
turned into a success, an error body in another shape, a duplicated page, and a derived field
(a status, or where the vendor has none, a subtotal or a link) that disagrees with the amounts;
each vendor fact the sandbox once got wrong, read the wrong way again (DayZero's restocking
fee, Kojo's HTTP 200 for errors, for every error and for some kinds only); a documented argument
a deployment ignores (Kojo's updatedAfter); and COUNT's documented behaviours no rule once saw
broken (a second approve accepted, remove-credit that restores nothing, totalRecords off by one,
``_partnerWarnings`` dropped). Each names the rule, invariant or check that must report it.

One module per vendor, each with its ``DRIFTS`` and the ``PENDING_ROWS`` of the traceability page
that no drift breaks yet; ``schema_fields`` makes a drift from each row that holds a response
field to its type. ``make test`` runs every drift written by hand and one of the generated ones
per schema (``SAMPLED``); ``make soak`` runs them all."""

from __future__ import annotations

from tests.contracts.drifts import count, dayzero, kojo, schema_fields, solvimon

WRITTEN = dayzero.DRIFTS + count.DRIFTS + solvimon.DRIFTS + kojo.DRIFTS
DRIFTS = WRITTEN + schema_fields.DRIFTS
# the first generated drift of each vendor's schema
SAMPLED = WRITTEN + list(
    {(d.vendor, d.name.split(".")[0]): d for d in reversed(schema_fields.DRIFTS)}.values()
)
PENDING_ROWS = dayzero.PENDING_ROWS | count.PENDING_ROWS | solvimon.PENDING_ROWS | kojo.PENDING_ROWS
