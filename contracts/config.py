"""Settings for ``creditbox contracts``: from flags, then environment variables, then a config file.

Every option has a flag (``--base-url``), an environment variable (``CREDITBOX_BASE_URL``) and a key
in the ``[contracts]`` table of ``creditbox.toml`` (``base_url``); the first one set wins.
Credentials are never written into the reports.
"""

from __future__ import annotations

import argparse
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.options import Option, merged, switch
from contracts.vendors import ADAPTERS
from specs.readings import Profile, ProfileError, load_profile

CONFIG_FILE = "creditbox.toml"
APIS = tuple(ADAPTERS)
LAYERS = ("rules", "schema")


class UsageError(ValueError):
    """The settings do not add up; the message says what to change (exit code 2)."""


def _layers(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = set(chosen) - set(LAYERS)
    if unknown or not chosen:
        raise ValueError(f"layers are {', '.join(LAYERS)}; got {value!r}")
    return chosen


def _rule_ids(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    if not chosen:
        raise ValueError(f"give one or more rule ids; got {value!r}")
    return chosen


# the credentials and test data of every vendor's API, as its adapter lists them
VENDOR_OPTIONS = merged({adapter.title: adapter.options for adapter in ADAPTERS.values()})

OPTIONS = (
    Option("api", str, None, f"which vendor API: {', '.join(APIS)}"),
    Option("base_url", str, None, f"the API's base URL, e.g. http://127.0.0.1:8000/{APIS[0]}"),
    Option(
        "in_process",
        switch,
        False,
        "start a fresh sandbox inside this process and check it (no --base-url)",
        True,
    ),
    *VENDOR_OPTIONS,
    Option(
        "admin_token",
        str,
        None,
        "a creditbox sandbox's admin token, for its control API (seeding what the rules need); "
        "only when the sandbox has one (off loopback)",
        header=True,
    ),
    Option(
        "allow_writes",
        switch,
        False,
        "let rules and Schemathesis create, change and delete data on the target",
        True,
    ),
    Option("max_requests", int, 1000, "request budget for the rules (default: 1000)"),
    Option(
        "rate_limit",
        float,
        None,
        "requests per second at most, 0 for no cap (default: 10, or on a URL the vendor's "
        "documented limit where lower; no cap --in-process)",
    ),
    Option(
        "layers",
        _layers,
        LAYERS,
        "which layers to run: rules,schema (default: both)",
        takes_list=True,
    ),
    Option(
        "rules",
        _rule_ids,
        None,
        "only these rules, by id, comma-separated (default: every rule of the API): to run a "
        "failing rule again; the invariants and the spec still judge their exchanges",
        takes_list=True,
    ),
    Option("phases", str, "examples,coverage,fuzzing,stateful", "Schemathesis phases"),
    Option("max_examples", int, 25, "Schemathesis examples per operation (default: 25)"),
    Option(
        "max_time",
        int,
        None,
        "Schemathesis time budget in seconds: fuzzing goes on until it is spent (default: none, "
        "every phase runs its examples and the run ends)",
    ),
    Option("seed", int, None, "Schemathesis random seed, to replay a run"),
    Option("junit", Path, None, "write a JUnit XML report here"),
    Option("report_dir", Path, Path("creditbox-report"), "where report.md, report.html go"),
    Option("baseline", Path, None, "accepted deviations (YAML), see the README"),
    Option("target_name", str, None, "the target's name in the baseline (default: the base URL)"),
    Option(
        "profile",
        Path,
        None,
        "the readings of the disputed points the target should speak (YAML, the file `creditbox "
        "serve --profile` reads; docs/disputed-points.md); --in-process serves them "
        "(default: every point's default reading)",
    ),
)


@dataclass(frozen=True)
class Settings:
    api: str
    base_url: str | None
    in_process: bool
    admin_token: str | None
    allow_writes: bool
    max_requests: int
    rate_limit: float | None
    layers: tuple[str, ...]
    rules: tuple[str, ...] | None
    phases: str
    max_examples: int
    max_time: int | None
    seed: int | None
    junit: Path | None
    report_dir: Path
    baseline: Path | None
    target_name: str | None
    profile: Path | None
    # the vendors' own options (VENDOR_OPTIONS), by name: ``settings.business_id``
    vendor: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        vendor = self.__dict__.get("vendor", {})
        if name in vendor:
            return vendor[name]
        raise AttributeError(name)

    @property
    def target(self) -> str:
        return self.target_name or self.base_url or "in-process sandbox"

    @property
    def expected(self) -> Profile:
        """The readings of disputed points the target should speak."""
        return load_profile(self.profile) if self.profile else Profile.of()


_CLASHES = {option.name for option in VENDOR_OPTIONS} & {
    option.name for option in OPTIONS if option not in VENDOR_OPTIONS
}
if _CLASHES:
    raise ValueError(f"vendor options named like the harness's own: {', '.join(sorted(_CLASHES))}")


# what ``creditbox calibrate`` takes: where the target is, how to reach it, and how hard
TARGET_OPTIONS = frozenset(
    {"api", "base_url", "in_process", "admin_token", "allow_writes", "max_requests", "rate_limit"}
    | {option.name for option in VENDOR_OPTIONS}
)


def add_arguments(parser: argparse.ArgumentParser, only: frozenset[str] | None = None) -> None:
    """The options as flags (``only`` those named, if given; the others keep their defaults)."""
    parser.add_argument(
        "--config", type=Path, help=f"settings file (default: ./{CONFIG_FILE} if present)"
    )
    for option in OPTIONS:
        if only is not None and option.name not in only:
            continue
        help_text = f"{option.help} [{option.env}]"
        if option.is_switch:
            parser.add_argument(
                option.flag, action=argparse.BooleanOptionalAction, default=None, help=help_text
            )
        else:
            parser.add_argument(option.flag, default=None, help=help_text)


def _file_values(path: Path | None) -> Mapping[str, Any]:
    chosen = path or Path(CONFIG_FILE)
    if not chosen.exists():
        if path is not None:
            raise UsageError(f"config file {path} does not exist")
        return {}
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{chosen}: {error}") from None
    table = data.get("contracts", {})
    if not isinstance(table, dict):
        raise UsageError(f"{chosen}: [contracts] must be a table")
    known = {option.name for option in OPTIONS}
    unknown = set(table) - known
    if unknown:
        raise UsageError(f"{chosen}: unknown keys in [contracts]: {', '.join(sorted(unknown))}")
    return dict(table)


def resolve(
    args: argparse.Namespace, environ: Mapping[str, str] = os.environ, cwd: Path | None = None
) -> Settings:
    """Merge flags, environment and config file; raise :class:`UsageError` on a bad value.
    Relative paths are taken from ``cwd`` (default: the working directory) and made absolute."""
    from_file = _file_values(getattr(args, "config", None))
    values: dict[str, Any] = {}
    for option in OPTIONS:
        flag_value = getattr(args, option.name, None)
        try:
            if flag_value is not None:
                value = option.parse(flag_value) if isinstance(flag_value, str) else flag_value
            elif environ.get(option.env) is not None:
                value = option.parse(environ[option.env])
            elif option.name in from_file:
                value = option.coerce(from_file[option.name])
            else:
                value = option.default
        except ValueError as error:
            raise UsageError(f"{option.flag}: {error}") from None
        values[option.name] = value
    for name in PATH_OPTIONS:
        if values[name] is not None:
            values[name] = _absolute(values[name], cwd)
    vendor = {option.name: values.pop(option.name) for option in VENDOR_OPTIONS}
    settings = Settings(**values, vendor=vendor)
    _check(settings)
    return settings


# Paths a run writes or reads. Schemathesis runs in a scratch directory, so each is made
# absolute here, against the directory ``creditbox`` was started from: nothing lands in (and
# is lost with) that scratch directory.
PATH_OPTIONS = ("report_dir", "junit", "baseline", "profile")


def _absolute(path: Path, cwd: Path | None) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else (cwd or Path.cwd()) / path


def _check(settings: Settings) -> None:
    if settings.api not in APIS:
        raise UsageError(f"--api must be one of {', '.join(APIS)}")
    if bool(settings.base_url) == settings.in_process:
        raise UsageError("give either --base-url or --in-process")
    if not settings.in_process:
        needed = [option for option in ADAPTERS[settings.api].options if option.required]
        missing = [option.flag for option in needed if not getattr(settings, option.name)]
        if missing:
            raise UsageError(f"--api {settings.api} needs {' and '.join(missing)}")
    if settings.profile is not None:
        try:
            load_profile(settings.profile)
        except ProfileError as problem:
            raise UsageError(f"--profile: {problem}") from None
    if settings.max_requests < 1 or (settings.max_time is not None and settings.max_time < 1):
        raise UsageError("--max-requests and --max-time must be positive")
    rate = settings.rate_limit
    if rate is not None and (not math.isfinite(rate) or not (rate == 0 or 0.01 <= rate <= 10_000)):
        raise UsageError("--rate-limit is requests per second: 0 (no cap) or 0.01 to 10000")
    for option in OPTIONS:
        value = getattr(settings, option.name) if option.header else None
        if value is not None and not (value.isascii() and value.isprintable()):
            raise UsageError(f"{option.flag} must be printable ASCII, as HTTP headers are")
