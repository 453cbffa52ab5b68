"""How to tell which reading of Solvimon's disputed point a deployment speaks
(``contracts/calibration.py``; the point in ``specs/disputed-points.yaml``)."""

from __future__ import annotations

from contracts.calibration import probe
from contracts.vendors.solvimon.client import SolvimonClient
from contracts.vendors.solvimon.rules import credited, final_line

SPELLINGS = {"force_init_on_hold": "schema", "forceInitOnHold": "reference-page"}


@probe("solvimon", "solvimon.on-hold-field", writes=True)
def on_hold_field(api: SolvimonClient) -> str:
    """The smallest credit of a final invoice's line, asked for on hold in one spelling, then
    in the other: the spelling whose credit invoice starts on hold (force_init_on_hold: schema;
    forceInitOnHold: reference-page), the other one's not."""
    invoice, line = final_line(api)
    held = {}
    for spelled in SPELLINGS:
        piece = {**line.credit(line.smallest, api.tag), spelled: True}
        held[spelled] = credited(api, invoice, piece, 200, f"{spelled}: true").get("on_hold")
    honoured = [spelled for spelled, on_hold in held.items() if on_hold is True]
    assert len(honoured) == 1 and all(isinstance(v, bool) for v in held.values()), (
        f"credit invoices asked for on hold in both spellings came with on_hold {held}"
    )
    return SPELLINGS[honoured[0]]
