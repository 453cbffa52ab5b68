"""A data directory that takes no writes: a clear error at start-up; a write the disk refuses
while serving is the vendor's 503, kept neither in memory nor on disk, and the same write
succeeds once the disk takes writes again.

The disk is made full or read-only at the system-call boundary (``tests/support/disk_faults.py``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support.clients import count_client, dayzero_client, solvimon_client
from tests.support.disk_faults import DiskFaults
from tests.support.figures import record
from tests.support.processes import CREDITBOX, serving

NOT_SAVED = "The change could not be saved ({reason}); nothing was changed. Try again later."
NO_SPACE = "No space left on device"


@pytest.mark.parametrize(
    ("fault", "reason"), [("read-only", "Read-only file system"), ("full", NO_SPACE)]
)
def test_a_data_directory_that_takes_no_writes_stops_start_up_clearly(
    tmp_path: Path, fault: str, reason: str
) -> None:
    data_dir = tmp_path / "data"
    disk = DiskFaults(tmp_path, data_dir)
    disk.set(fault)
    started = subprocess.run(
        [CREDITBOX, "serve", "--data-dir", str(data_dir), "--port", "9"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **disk.env},
    )
    assert started.returncode == 2, started.stdout + started.stderr
    assert started.stderr.strip() == (
        f"creditbox: cannot use the data directory: {data_dir} cannot be written: {reason}"
    )


def customers(http: httpx.Client) -> list[str]:
    return sorted(c["name"] for c in dayzero_client(http).customers()["items"])


def test_a_write_the_disk_refuses_is_503_and_kept_nowhere(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    disk = DiskFaults(tmp_path, data_dir)
    args = ("--data-dir", str(data_dir))
    with serving(args, env=disk.env) as base_url, httpx.Client(base_url=base_url) as http:
        dayzero, count, solvimon = dayzero_client(http), count_client(http), solvimon_client(http)
        dayzero.customer("Before")
        invoice = solvimon.seed_invoice()["id"]
        credits_before = solvimon.count()
        disk.set("full")

        refused = {
            "dayzero": dayzero.call("POST", "/customers", json={"name": "Refused"}),
            "count": count.call(
                "POST", "/customers", json={"customer": "Refused", "email": "ap@refused.example"}
            ),
            "solvimon": solvimon.credit(invoice),
            "control": http.post("/_sandbox/tenants", json={"id": "refused"}),
        }
        for vendor, answer in refused.items():
            assert answer.status_code == 503, (vendor, answer.text)
            assert answer.headers["retry-after"] == "30", vendor
        detail = NOT_SAVED.format(reason=NO_SPACE)
        assert refused["dayzero"].json() == {"detail": detail}
        assert refused["count"].json() == {"message": detail, "statusCode": 503}
        assert refused["solvimon"].json()["type"] == "API_ERROR"
        assert refused["control"].json() == {"detail": detail}
        record("disk_faults", refused_writes=len(refused))

        # nothing of the refused writes is served, and reads go on
        assert customers(http) == ["Before"]
        assert solvimon.count() == credits_before
        assert http.get("/_sandbox/tenants/refused").status_code == 404

        disk.clear()
        dayzero.customer("After")
        assert customers(http) == ["After", "Before"]
    # and nothing of them is on disk: a restart reads back exactly what was acknowledged
    with serving(args, env=disk.env) as base_url, httpx.Client(base_url=base_url) as http:
        assert customers(http) == ["After", "Before"]
        assert solvimon_client(http).count() == credits_before
        assert http.get("/_sandbox/tenants/refused").status_code == 404
