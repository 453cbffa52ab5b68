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
field to its type, and ``kojo`` one from each row of a GraphQL type's field. ``make test`` runs
one drift written by hand per check that must report it (in the rules layer) and one of the
generated ones per type (``SAMPLED``); ``make soak`` runs them all."""

from __future__ import annotations

from tests.contracts.drifts import count, dayzero, kojo, schema_fields, solvimon
from tests.support.drift_proxy import Drift

WRITTEN = dayzero.DRIFTS + count.DRIFTS + solvimon.DRIFTS + kojo.DRIFTS
GENERATED = schema_fields.DRIFTS + kojo.GENERATED
DRIFTS = WRITTEN + GENERATED


def _schema(drift: Drift) -> tuple[str, str]:
    """The vendor and the type whose field a generated drift breaks."""
    return drift.vendor, drift.name.removeprefix("type-of-").split(".")[0].split("-")[0]


# make test: for each check, the first drift written by hand that it must report in the rules
# layer (one that needs Schemathesis' run, some forty seconds, is for make soak), and the first
# generated drift of each type
SAMPLED = list(
    {(d.vendor, d.seen_by): d for d in reversed(WRITTEN) if "schema" not in d.layers}.values()
) + list({_schema(d): d for d in reversed(GENERATED)}.values())
PENDING_ROWS = dayzero.PENDING_ROWS | count.PENDING_ROWS | solvimon.PENDING_ROWS | kojo.PENDING_ROWS
