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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specs.readings import Profile, ProfileError, load_profile

CONFIG_FILE = "creditbox.toml"
APIS = ("dayzero", "count", "solvimon", "kojo")
# the credentials each API needs: (flag, setting)
REQUIRED = {
    "dayzero": (("--token", "token"), ("--business-id", "business_id")),
    "count": (
        ("--client-id", "client_id"),
        ("--client-secret", "client_secret"),
        ("--token", "token"),
    ),
    "solvimon": (("--api-key", "api_key"),),
    "kojo": (("--client-id", "client_id"), ("--client-secret", "client_secret")),
}
LAYERS = ("rules", "schema")


class UsageError(ValueError):
    """The settings do not add up; the message says what to change (exit code 2)."""


def _flag(value: str) -> bool:
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


@dataclass(frozen=True)
class Option:
    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    is_switch: bool = False

    def coerce(self, raw: Any) -> Any:
        """A value from the config file: strings are parsed like flags; others must fit."""
        if isinstance(raw, str):
            return self.parse(raw)
        if self.is_switch and isinstance(raw, bool):
            return raw
        if self.parse is int and isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if self.parse is float and isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        strings = isinstance(raw, list) and all(isinstance(x, str) for x in raw)
        if self.parse in (_layers, _ids) and strings:
            return self.parse(",".join(raw))
        raise ValueError(f"{raw!r} is not a valid value")

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return "CREDITBOX_" + self.name.upper()


def _ids(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _layers(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = set(chosen) - set(LAYERS)
    if unknown or not chosen:
        raise ValueError(f"layers are {', '.join(LAYERS)}; got {value!r}")
    return chosen


OPTIONS = (
    Option("api", str, None, f"which vendor API: {', '.join(APIS)}"),
    Option("base_url", str, None, "the API's base URL, e.g. http://127.0.0.1:8000/dayzero"),
    Option(
        "in_process",
        _flag,
        False,
        "start a fresh sandbox inside this process and check it (no --base-url)",
        True,
    ),
    Option("token", str, None, "the API token: DayZero's, or COUNT's partner access token"),
    Option("business_id", str, None, "DayZero: the business UUID (x-business-id)"),
    Option("other_token", str, None, "DayZero: a second business's token, for isolation rules"),
    Option("other_business_id", str, None, "DayZero: the second business's UUID"),
    Option(
        "client_id", str, None, "COUNT: the partner client id (x-client-id); Kojo: OAuth client"
    ),
    Option("client_secret", str, None, "COUNT: the secret that signs requests; Kojo: OAuth secret"),
    Option(
        "ambiguous_uuid", str, None, "COUNT: a UUID the target answers 409 for (legacy duplicate)"
    ),
    Option(
        "api_key", str, None, "Solvimon: the API key (X-API-KEY); Kojo: a legacy API key (optional)"
    ),
    Option("platform_id", str, None, "Solvimon: the platform to act on (x-platform-id)"),
    Option(
        "other_platform_id", str, None, "Solvimon: a second platform the key reaches (isolation)"
    ),
    Option(
        "view_only_api_key",
        str,
        None,
        "Solvimon: a key without INVOICE.CREDIT.CREATE, for the permission rule",
    ),
    Option(
        "final_invoices",
        _ids,
        (),
        "Solvimon: comma-separated FINAL invoices the rules may credit (one used up per rule)",
    ),
    Option("open_invoice", str, None, "Solvimon: an invoice that is not FINAL yet"),
    Option(
        "admin_token",
        str,
        None,
        "a creditbox sandbox's admin token, for its control API (seeding what the rules need); "
        "only when the sandbox has one (off loopback)",
    ),
    Option(
        "allow_writes",
        _flag,
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
        "documented limit where lower: COUNT 100 a minute; no cap --in-process)",
    ),
    Option("layers", _layers, LAYERS, "which layers to run: rules,schema (default: both)"),
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
    token: str | None
    business_id: str | None
    other_token: str | None
    other_business_id: str | None
    client_id: str | None
    client_secret: str | None
    ambiguous_uuid: str | None
    api_key: str | None
    platform_id: str | None
    other_platform_id: str | None
    view_only_api_key: str | None
    final_invoices: tuple[str, ...]
    open_invoice: str | None
    admin_token: str | None
    allow_writes: bool
    max_requests: int
    rate_limit: float | None
    layers: tuple[str, ...]
    phases: str
    max_examples: int
    max_time: int | None
    seed: int | None
    junit: Path | None
    report_dir: Path
    baseline: Path | None
    target_name: str | None
    profile: Path | None

    @property
    def target(self) -> str:
        return self.target_name or self.base_url or "in-process sandbox"

    @property
    def expected(self) -> Profile:
        """The readings of disputed points the target should speak."""
        return load_profile(self.profile) if self.profile else Profile.of()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, help=f"settings file (default: ./{CONFIG_FILE} if present)"
    )
    for option in OPTIONS:
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
    settings = Settings(**values)
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
        missing = [flag for flag, name in REQUIRED[settings.api] if not getattr(settings, name)]
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
    for flag, value in (
        ("--token", settings.token),
        ("--business-id", settings.business_id),
        ("--other-token", settings.other_token),
        ("--other-business-id", settings.other_business_id),
        ("--client-id", settings.client_id),
        ("--client-secret", settings.client_secret),
        ("--api-key", settings.api_key),
        ("--platform-id", settings.platform_id),
        ("--other-platform-id", settings.other_platform_id),
        ("--view-only-api-key", settings.view_only_api_key),
        ("--admin-token", settings.admin_token),
    ):
        if value is not None and not (value.isascii() and value.isprintable()):
            raise UsageError(f"{flag} must be printable ASCII, as HTTP headers are")
