"""Kojo's rows of the demo console: its invoices and credit memos, read with one GraphQL query
after the client-credentials step."""

from __future__ import annotations

from sandbox.console_reader import LIMIT, ConsoleReader, ConsoleSection, row


async def read(reader: ConsoleReader) -> ConsoleSection:
    form = {"grant_type": "client_credentials", **reader.credentials["kojo"]}
    issued = await reader.http.post("/kojo/oauth2/token", data=form, headers=reader.internal)
    issued.raise_for_status()
    headers = {"Authorization": f"Bearer {issued.json()['access_token']}", **reader.internal}
    query = (
        f"{{ invoices(limit: {LIMIT}) {{ id invoiceNumber title totalDue paidAt }}"
        f" creditMemos(limit: {LIMIT}) {{ id creditMemoNumber totalDue invoiceId }} }}"
    )
    answer = await reader.http.post("/kojo/graphql", json={"query": query}, headers=headers)
    answer.raise_for_status()
    data = answer.json()["data"]
    return ConsoleSection(
        [
            row("kojo", "invoice", i["id"], i["invoiceNumber"],
                "paid" if i.get("paidAt") else "open", None, None, i["totalDue"], i.get("title"))
            for i in data["invoices"]
        ] + [  # Kojo's credit memos have no status field
            row("kojo", "memo", m["id"], m["creditMemoNumber"], "—", None, m["totalDue"],
                None, None)
            for m in data["creditMemos"]
        ]
    )  # fmt: skip
