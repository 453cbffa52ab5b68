"""The registry of disputed points is whole and says the same in every place users read it:
docs/disputed-points.md, the control API, each vendor spec's description, and the spec served
under each reading (valid OpenAPI, with the contract the reading describes)."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
from connexion.spec import Specification
from jsonpath_ng.ext import parse
from oas_patch.overlay import apply_overlay

from sandbox.app import _parsed_spec
from sandbox.vendors import VENDORS
from specs import spec_path
from specs.readings import Profile, markdown, overlay_named, points, served_spec

DOC = Path(__file__).parents[2] / "docs" / "disputed-points.md"
SPEC_OF = {vendor.name: vendor.spec for vendor in VENDORS}
READINGS = [(point, reading) for point in points().values() for reading in point.readings]


def test_the_docs_page_is_the_registry_written_out() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/disputed-points.md is stale: python -m specs.readings > docs/disputed-points.md"
    )


@pytest.mark.parametrize("point", points().values(), ids=lambda p: p.name)
def test_each_point_has_a_default_among_two_readings_each_with_a_public_source(point: Any) -> None:
    assert point.vendor in SPEC_OF and point.name.startswith(f"{point.vendor}.")
    assert len(point.readings) >= 2 and point.default in point.readings
    for reading in point.readings.values():
        assert any(e.url and e.url.startswith("https://") for e in reading.evidence), (
            f"{point.name}: {reading.name} cites no public page"
        )
        if reading.overlay:
            assert spec_path(f"overlays/{reading.overlay}").is_file()


@pytest.mark.parametrize("point", points().values(), ids=lambda p: p.name)
def test_the_vendor_spec_names_each_of_its_disputed_points(point: Any) -> None:
    description = _parsed_spec(SPEC_OF[point.vendor])["info"]["description"]
    assert point.name in description, f"specs/{SPEC_OF[point.vendor]} does not mention it"


@pytest.mark.parametrize(("point", "reading"), READINGS, ids=lambda x: getattr(x, "name", x))
def test_the_spec_served_under_each_reading_is_valid_openapi(point: Any, reading: str) -> None:
    profile = Profile.of({point.name: reading})
    Specification.load(served_spec(_parsed_spec(SPEC_OF[point.vendor]), point.vendor, profile))


def _success_schemas(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json")
                if status.startswith("2") and content:
                    found.append((f"{method.upper()} {path} {status}", content["schema"]))
    return found


def test_under_the_wrapped_dayzero_reading_every_success_body_is_the_envelope() -> None:
    wrapped = Profile.of({"dayzero.envelope": "wrapped"})
    base = _parsed_spec("dayzero.yaml")
    spec = served_spec(base, "dayzero", wrapped)
    schemas = spec["components"]["schemas"]
    bare = dict(_success_schemas(base))
    for where, schema in _success_schemas(spec):
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name == "SuccessMessage":  # no resource to wrap: the same answer in both readings
            continue
        assert name.startswith("SuccessEnvelope_"), where
        assert set(schemas[name]["required"]) == {"success", "message", "code", "data"}, where
        assert schemas[name]["properties"]["data"] == bare[where], f"{where}: not what it wraps"
    links = [
        value
        for operations in spec["paths"].values()
        for method, operation in operations.items()
        if method != "parameters"
        for response in operation.get("responses", {}).values()
        for link in response.get("links", {}).values()
        for value in [*link.get("parameters", {}).values(), *link.get("requestBody", {}).values()]
    ]
    expressions = [v for v in links if isinstance(v, str) and v.startswith("$response.body")]
    assert expressions and all(v.startswith("$response.body#/data/") for v in expressions)


@pytest.mark.parametrize("vendor", sorted({p.vendor for p in points().values()}))
def test_every_overlay_action_finds_its_target_under_some_profile(vendor: str) -> None:
    """An overlay action whose target matches nothing is skipped without a word (Overlay 1.0),
    so a target that no longer names anything (an operation renamed, a method moved by an
    earlier point's reading) would silently serve the wrong contract: every action must match
    under at least one combination of the vendor's readings, at the moment it is applied."""
    own = [point for point in points().values() if point.vendor == vendor]
    base = _parsed_spec(SPEC_OF[vendor])
    unmatched = {
        (reading.overlay, number)
        for point in own
        for reading in point.readings.values()
        if reading.overlay
        for number, _ in enumerate(overlay_named(reading.overlay)["actions"])
    }
    for choice in itertools.product(*[list(point.readings) for point in own]):
        spec = copy.deepcopy(base)
        for point, chosen in zip(own, choice, strict=True):
            overlay = point.readings[chosen].overlay
            if overlay is None:
                continue
            for number, action in enumerate(overlay_named(overlay)["actions"]):
                # a copy action makes its target from its source: the source must be there
                if parse(action.get("copy") or action["target"]).find(spec):
                    unmatched.discard((overlay, number))
            apply_overlay(spec, copy.deepcopy(overlay_named(overlay)))
    assert not unmatched, f"overlay actions that never match: {sorted(unmatched)}"
