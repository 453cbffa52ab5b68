"""Killed mid-write (SIGKILL, no chance to clean up), the sandbox loses no acknowledged write and
leaves no apply half done: a memo's applications and the invoice's credited amount agree.

``CRASH_ROUNDS`` (default 3) sets how many kills a run survives; ``make soak`` asks for more.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from contracts.vendors.dayzero.client import DayZeroClient
from tests.support.clients import dayzero_client
from tests.support.figures import record
from tests.support.processes import CREDITBOX, free_port, wait_until_healthy

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "3"))
WRITERS = 4
INVOICE_CENTS = 10_000_000


def start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    command = [CREDITBOX, "serve", "--port", str(port), "--data-dir", str(data_dir)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Acknowledged:
    """What the server answered 2xx to, as the writers saw it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.memos: set[str] = set()
        self.applications: dict[str, int] = {}  # memo id → cents applied to the invoice


def write_until_refused(base_url: str, customer: str, invoice: str, acked: Acknowledged) -> None:
    """Create and issue memos and apply each to the invoice, until the server is gone."""
    with httpx.Client(base_url=base_url, timeout=5) as http:
        dayzero = dayzero_client(http)
        try:
            while True:
                memo = dayzero.call(
                    "POST", "/credit-memos", json={"customer_id": customer, "amount_cents": 500}
                )
                if memo.status_code != 201:
                    return
                memo_id = memo.json()["id"]
                with acked.lock:
                    acked.memos.add(memo_id)
                if dayzero.call("POST", f"/credit-memos/{memo_id}/issue").status_code != 201:
                    return
                cents = random.randint(1, 500)
                if dayzero.apply(memo_id, invoice, cents).status_code != 201:
                    return
                with acked.lock:
                    acked.applications[memo_id] = cents
        except httpx.TransportError:
            return


def every_memo(dayzero: DayZeroClient) -> list[dict[str, Any]]:
    memos: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = dayzero.memos(**params)
        memos += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return memos


def test_acknowledged_writes_survive_sigkill_and_no_apply_is_half_done(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "data", free_port()
    base_url = f"http://127.0.0.1:{port}"
    acked = Acknowledged()
    process = start(data_dir, port)
    try:
        wait_until_healthy(base_url, process)
        with httpx.Client(base_url=base_url) as http:
            dayzero = dayzero_client(http)
            customer = dayzero.customer()["id"]
            invoice = dayzero.open_invoice(customer, INVOICE_CENTS)["id"]
        for _ in range(ROUNDS):
            writers = [
                threading.Thread(
                    target=write_until_refused, args=(base_url, customer, invoice, acked)
                )
                for _ in range(WRITERS)
            ]
            for writer in writers:
                writer.start()
            time.sleep(random.uniform(0.5, 1.5))
            process.send_signal(signal.SIGKILL)
            process.wait()
            for writer in writers:
                writer.join()

            process = start(data_dir, port)
            wait_until_healthy(base_url, process)  # the data files load
            with httpx.Client(base_url=base_url) as http:
                dayzero = dayzero_client(http)
                memos = {memo["id"]: memo for memo in every_memo(dayzero)}
                assert acked.memos <= memos.keys(), "an acknowledged memo was lost"
                applied: dict[str, int] = {}
                for memo in memos.values():
                    for application in memo["applications"]:
                        assert application["invoice_id"] == invoice
                        applied[memo["id"]] = (
                            applied.get(memo["id"], 0) + application["amount_applied"]
                        )
                for memo_id, cents in acked.applications.items():
                    assert applied.get(memo_id) == cents, f"acknowledged apply on {memo_id} lost"
                credited = dayzero.get_invoice(invoice)["amount_credited"]
                assert credited == sum(applied.values()), "an apply is half done"
            record(
                "crash_safety",
                kills=1,
                acknowledged_writes_checked=len(acked.memos) + len(acked.applications),
            )
        assert len(acked.applications) > ROUNDS  # the writers did get writes in before each kill
    finally:
        process.kill()
        process.wait()
