"""Settings come from flags, then CREDITBOX_* variables, then creditbox.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.config import UsageError
from tests.contracts.support import settings_for

BASE = ["contracts", "--api", "dayzero", "--base-url", "http://x/dayzero"]


def test_environment_fills_what_flags_leave_out() -> None:
    env = {
        "CREDITBOX_TOKEN": "dz_env",
        "CREDITBOX_BUSINESS_ID": "b-env",
        "CREDITBOX_ALLOW_WRITES": "yes",
    }
    settings = settings_for(BASE, env)
    assert (settings.token, settings.business_id, settings.allow_writes) == (
        "dz_env",
        "b-env",
        True,
    )


def test_flags_win_over_environment_and_file(tmp_path: Path) -> None:
    config = tmp_path / "creditbox.toml"
    config.write_text('[contracts]\ntoken = "dz_file"\nbusiness_id = "b-file"\nmax_time = 7\n')
    args = [*BASE, "--config", str(config), "--token", "dz_flag"]
    settings = settings_for(args, {"CREDITBOX_TOKEN": "dz_env", "CREDITBOX_BUSINESS_ID": "b-env"})
    assert (settings.token, settings.business_id, settings.max_time) == ("dz_flag", "b-env", 7)


def test_config_file_in_the_working_directory_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "creditbox.toml").write_text(
        '[contracts]\napi = "dayzero"\nbase_url = "http://file/dayzero"\ntoken = "t"\n'
        'business_id = "b"\nlayers = "rules"\n'
    )
    monkeypatch.chdir(tmp_path)
    settings = settings_for(["contracts"])
    assert (settings.base_url, settings.layers) == ("http://file/dayzero", ("rules",))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contracts", "--api", "dayzero"], "either --base-url or --in-process"),
        ([*BASE, "--in-process"], "either --base-url or --in-process"),
        ([*BASE, "--token", "t", "--business-id", "b", "--layers", "everything"], "layers are"),
        ([*BASE, "--token", "t", "--business-id", "b", "--max-time", "soon"], "--max-time"),
        (["contracts", "--api", "stripe", "--in-process"], "--api must be one of"),
    ],
)
def test_bad_settings_are_usage_errors(args: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        settings_for(args)


def test_unknown_keys_in_the_config_file_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "creditbox.toml"
    config.write_text('[contracts]\ntokne = "typo"\n')
    with pytest.raises(UsageError, match="tokne"):
        settings_for([*BASE, "--config", str(config)])
