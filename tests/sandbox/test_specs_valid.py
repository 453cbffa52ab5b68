"""Every spec the sandbox serves is valid OpenAPI, by Connexion's own meta-schema check.

The sandbox adds its specs without that check at start-up (``sandbox/connexion_app.py``): this is
where a broken spec is caught instead.
"""

from __future__ import annotations

import copy

import pytest
from connexion.exceptions import InvalidSpecification
from connexion.spec import Specification

from sandbox.app import _parsed_spec
from sandbox.connexion_app import SandboxApp
from sandbox.control_spec import with_vendors
from sandbox.vendors import BUILT_IN, VENDORS

SPECS = [vendor.spec for vendor in VENDORS] + ["control.yaml"]


@pytest.mark.parametrize("name", SPECS)
def test_the_spec_passes_connexions_openapi_check(name: str) -> None:
    Specification.load(copy.deepcopy(_parsed_spec(name)))  # raises InvalidSpecification


def test_the_check_is_on_again_after_the_sandbox_adds_its_specs() -> None:
    broken = copy.deepcopy(_parsed_spec("dayzero.yaml"))
    broken["paths"]["/api/v1/credit-memos"]["get"]["responses"] = "none"
    SandboxApp(__name__).add_api(copy.deepcopy(broken))  # added unchecked
    with pytest.raises(InvalidSpecification):
        Specification.load(broken)


def test_the_shipped_control_spec_describes_exactly_the_built_in_vendors() -> None:
    """A client generated from specs/control.yaml knows every built-in vendor's fixture section
    and credentials; the served spec adds vendors other packages register (control_spec.py)."""
    schemas = _parsed_spec("control.yaml")["components"]["schemas"]
    names = [vendor.name for vendor in BUILT_IN]
    assert sorted(schemas["Fixture"]["properties"]) == sorted([*names, "profile"])
    credentials = schemas["Tenant"]["properties"]["credentials"]
    assert sorted(credentials["required"]) == sorted(credentials["properties"]) == sorted(names)
    served = with_vendors(copy.deepcopy(_parsed_spec("control.yaml")), BUILT_IN)
    assert served["components"]["schemas"] == schemas
