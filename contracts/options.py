"""One setting of ``creditbox contracts``: its flag, environment variable and config-file key.

The harness's own settings are listed in :mod:`contracts.config`; each vendor's adapter lists the
credentials and test data its API needs (``Adapter.options``), and the command line offers them
all. An option that is a credential names its key, so that an adapter's credentials follow from
its options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def switch(value: str) -> bool:
    """A yes/no value, as an environment variable or a config-file string gives it."""
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


def ids(value: str) -> tuple[str, ...]:
    """A comma-separated list of ids."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Option:
    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    is_switch: bool = False
    # sent in an HTTP header: it must be printable ASCII, or no request could carry it
    header: bool = False
    # a URL target of the vendor that lists it cannot be checked without it
    required: bool = False
    # a config-file list of strings is joined with commas and parsed as one value
    takes_list: bool = False
    # the key its value has in the adapter's credentials ("" for test data and the settings a
    # session reads itself), and in a second tenant's credentials, for the isolation rules
    credential: str = ""
    other_credential: str = ""

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
        if self.takes_list and strings:
            return self.parse(",".join(raw))
        raise ValueError(f"{raw!r} is not a valid value")

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return "CREDITBOX_" + self.name.upper()


def credential(name: str, help: str, *, key: str = "", required: bool = True) -> Option:
    """A credential, sent in a header: under ``key`` (its own name unless given) in the
    adapter's credentials; a URL target cannot be checked without it unless not ``required``."""
    return Option(name, str, None, help, header=True, required=required, credential=key or name)


def other_credential(name: str, help: str, *, key: str) -> Option:
    """A second tenant's credential, sent in a header: under ``key`` in that tenant's
    credentials, for the isolation rules (which skip without it)."""
    return Option(name, str, None, help, header=True, other_credential=key)


def _kind(option: Option) -> tuple[Any, ...]:
    """What two vendors sharing a flag must agree on (the help may differ)."""
    return (option.parse, option.default, option.is_switch, option.header, option.takes_list)


def merged(owned: dict[str, tuple[Option, ...]]) -> tuple[Option, ...]:
    """One option per name from the vendors' lists (``{vendor title: options}``), in the order
    first listed; where vendors share a flag (``--token``), its help says what it is to each."""
    first: dict[str, Option] = {}
    owners: dict[str, str] = {}
    helps: dict[str, list[str]] = {}
    for title, options in owned.items():
        for option in options:
            known = first.setdefault(option.name, option)
            owners.setdefault(option.name, title)
            if _kind(known) != _kind(option):
                raise ValueError(
                    f"{option.flag}: {title} and {owners[option.name]} read it differently"
                )
            helps.setdefault(option.name, []).append(f"{title}: {option.help}")
    return tuple(
        Option(
            name,
            option.parse,
            option.default,
            "; ".join(helps[name]),
            option.is_switch,
            option.header,
            takes_list=option.takes_list,
        )
        for name, option in first.items()
    )
