"""Disputed points, their readings, and profiles that pick one reading per point.

Where the vendors' public sources disagree (a rendered reference page against the vendor's own
client, a seed against a guide), neither the sandbox nor the harness may silently pick one. Each
such point is named in ``specs/disputed-points.yaml`` with its readings, the evidence for each and
the default (the reading with the strongest evidence of what production does). A *profile* picks
one reading per point; what it does not name keeps the default.

A reading that changes the contract carries an OpenAPI Overlay (``specs/overlays/``, Overlay 1.0,
applied with ``oas_patch``): the spec served for a profile is the base spec with the overlays of
the chosen readings applied in the registry's order. Both halves read this module, so the sandbox
serves, and the harness checks, the very same variant.
"""

from __future__ import annotations

import copy
import functools
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from specs import spec_path

REGISTRY = "disputed-points.yaml"
OVERLAY_DIR = "overlays"


class ProfileError(ValueError):
    """A profile names a point or a reading that does not exist, or is not a mapping."""


@dataclass(frozen=True)
class Evidence:
    source: str
    url: str | None
    says: str


@dataclass(frozen=True)
class Reading:
    name: str
    says: str
    evidence: tuple[Evidence, ...]
    overlay: str | None


@dataclass(frozen=True)
class DisputedPoint:
    name: str
    vendor: str
    question: str
    default: str
    why_default: str
    readings: Mapping[str, Reading]


@functools.cache
def points() -> Mapping[str, DisputedPoint]:
    """Every disputed point, in the registry's order (which is also the order overlays apply)."""
    raw = yaml.safe_load(spec_path(REGISTRY).read_text(encoding="utf-8"))
    found: dict[str, DisputedPoint] = {}
    for name, point in raw["points"].items():
        readings = {
            reading_name: Reading(
                name=reading_name,
                says=reading["says"].strip(),
                evidence=tuple(
                    Evidence(e["source"], e.get("url"), e["says"].strip())
                    for e in reading["evidence"]
                ),
                overlay=reading.get("overlay"),
            )
            for reading_name, reading in point["readings"].items()
        }
        found[name] = DisputedPoint(
            name=name,
            vendor=point["vendor"],
            question=point["question"].strip(),
            default=point["default"],
            why_default=point["why_default"].strip(),
            readings=readings,
        )
    return found


def vendor_points(vendor: str) -> Iterator[DisputedPoint]:
    return (point for point in points().values() if point.vendor == vendor)


@dataclass(frozen=True)
class Profile:
    """One reading per disputed point. Build with :meth:`of`; unnamed points keep the default."""

    readings: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, choices: Mapping[str, str] | None = None) -> Profile:
        if not choices:
            return _default_profile()
        chosen = check_choices(choices)
        return cls(tuple((name, chosen.get(name, p.default)) for name, p in points().items()))

    def reading(self, point: str) -> str:
        for name, reading in self.readings:
            if name == point:
                return reading
        raise KeyError(f"no disputed point named {point!r}")

    def choices(self) -> dict[str, str]:
        return dict(self.readings)

    def differences(self) -> dict[str, str]:
        """The readings that are not the default (what a profile file needs to say)."""
        return {
            name: reading for name, reading in self.readings if reading != points()[name].default
        }

    def overriding(self, choices: Mapping[str, str]) -> Profile:
        """This profile with ``choices`` (e.g. a tenant's own) taking precedence. Asked on every
        request of a tenant with its own choices, so the merge is remembered."""
        return _merged(self, tuple(sorted(choices.items())))

    def for_vendor(self, vendor: str) -> dict[str, str]:
        return {point.name: self.reading(point.name) for point in vendor_points(vendor)}


@functools.cache
def _default_profile() -> Profile:
    """Every point at its default reading."""
    return Profile(tuple((name, point.default) for name, point in points().items()))


@functools.lru_cache(maxsize=256)
def _merged(base: Profile, choices: tuple[tuple[str, str], ...]) -> Profile:
    return Profile.of({**base.choices(), **check_choices(dict(choices))})


def check_choices(choices: Any) -> dict[str, str]:
    """``choices`` as a ``{point: reading}`` dict, or :class:`ProfileError` naming what is wrong."""
    if not isinstance(choices, Mapping):
        raise ProfileError("readings must be a mapping of disputed point to reading")
    known = points()
    checked: dict[str, str] = {}
    for name, reading in choices.items():
        point = known.get(name)
        if point is None:
            raise ProfileError(
                f"no disputed point named {name!r}; the points are: {', '.join(known)}"
            )
        if reading not in point.readings:
            raise ProfileError(
                f"{name} has no reading {reading!r}; its readings are: " + ", ".join(point.readings)
            )
        checked[name] = reading
    return checked


def load_profile(path: Path) -> Profile:
    """A profile file: YAML with ``readings: {point: reading}`` (other keys, such as evidence a
    calibration recorded, are left for people to read)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ProfileError(f"cannot read the profile {path}: {error}") from error
    if not isinstance(raw, Mapping) or "readings" not in raw:
        raise ProfileError(f"{path}: a profile is a mapping with a 'readings' section")
    return Profile.of(raw["readings"] or {})


def dump_profile(profile: Profile) -> str:
    return yaml.safe_dump({"readings": profile.choices()}, sort_keys=False)


@functools.cache
def overlay_named(name: str) -> dict[str, Any]:
    """The overlay file ``name`` of ``specs/overlays/``, parsed (once: do not change it)."""
    overlay: dict[str, Any] = yaml.safe_load(
        spec_path(f"{OVERLAY_DIR}/{name}").read_text(encoding="utf-8")
    )
    return overlay


def served_spec(spec: Mapping[str, Any], vendor: str, profile: Profile) -> dict[str, Any]:
    """The spec served under ``profile``: ``spec`` (not changed) with the overlays of the
    vendor's chosen readings applied, in the registry's order."""
    served = copy.deepcopy(dict(spec))
    for point in vendor_points(vendor):
        overlay = point.readings[profile.reading(point.name)].overlay
        if overlay is not None:
            # imported when first needed: it takes a quarter of a second (its CLI's
            # dependencies), which every command run in the default readings would pay
            from oas_patch.overlay import apply_overlay

            apply_overlay(served, copy.deepcopy(overlay_named(overlay)))
    return served


def write_served_variants(directory: Path) -> list[Path]:
    """Every spec as served under each reading other than its point's default, one reading at a
    time, written as ``<point>.<reading>.json`` into ``directory``: ``make lint`` runs Spectral
    on them, so what a profile serves is linted like the shipped specs."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    specs: dict[str, Any] = {}
    for point in points().values():
        if point.vendor not in specs:
            text = spec_path(f"{point.vendor}.yaml").read_text(encoding="utf-8")
            specs[point.vendor] = yaml.safe_load(text)
        spec = specs[point.vendor]
        for reading in point.readings:
            if reading == point.default:
                continue
            served = served_spec(spec, point.vendor, Profile.of({point.name: reading}))
            path = directory / f"{point.name}.{reading}.json"
            path.write_text(json.dumps(served, indent=1), encoding="utf-8")
            written.append(path)
    return written


def markdown() -> str:
    """docs/disputed-points.md: the registry written out for people (``python -m
    specs.readings > docs/disputed-points.md``; a test keeps the two in step)."""
    first = next(iter(points().values()))
    example = f"{first.name}: {next(r for r in first.readings if r != first.default)}"
    lines = [
        "# Disputed points",
        "",
        "Where the vendors' public sources disagree about what their API does, creditbox does not",
        "pick one silently: each such point has named readings, and the sandbox serves every one.",
        "A profile picks one reading per point; a point it does not name keeps its default.",
        "",
        "- Server-wide: `creditbox serve --profile profile.yaml`, a file such as",
        f"  `readings: {{{example}}}`.",
        '- Per tenant: `PUT /_sandbox/tenants/{id}/profile` with `{"readings": {...}}`, or a',
        "  fixture's `profile:` section. A tenant's choice overrides the server's.",
        "- The harness: `creditbox contracts --profile profile.yaml` checks a deployment against",
        "  those readings (with `--in-process`, the sandbox it starts serves them), and its report",
        "  lists what the deployment answered on each point.",
        "- `creditbox calibrate --api <vendor> --base-url URL` asks a deployment which reading it",
        "  speaks on each point and writes what it answered as a profile file.",
        "",
        "The default is the reading with the strongest evidence of what production does: the",
        "vendor's own client code outweighs a rendered page, a page outweighs a guide's example.",
        "A reading that changes the contract is an OpenAPI Overlay in `specs/overlays/`, so the",
        "Swagger UI, request validation and the harness all see the variant served.",
        f"This page is `specs/{REGISTRY}` written out (`python -m specs.readings`).",
    ]
    for point in points().values():
        lines += ["", f"## `{point.name}`", "", point.question, ""]
        lines += [f"**Default: `{point.default}`.** {point.why_default}"]
        for reading in point.readings.values():
            lines += ["", f"### `{point.name}: {reading.name}`", "", reading.says, ""]
            if reading.overlay:
                lines += [f"Overlay: `specs/{OVERLAY_DIR}/{reading.overlay}`.", ""]
            for evidence in reading.evidence:
                where = f" <{evidence.url}>" if evidence.url else ""
                lines.append(f"- {evidence.source}{where}: {evidence.says}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    # ``python -m specs.readings``: the markdown page; ``--served DIR``: the variants for Spectral
    if sys.argv[1:2] == ["--served"] and len(sys.argv) == 3:
        for written in write_served_variants(Path(sys.argv[2])):
            print(written)
    else:
        print(markdown(), end="")
