"""COUNT's tags: created, listed and read through the partner API, and the only UUIDs a record's
``tagUuids`` may name."""

from __future__ import annotations

from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_client, new_tenant


def test_a_tag_is_created_read_back_and_listed_by_name(count: CountClient) -> None:
    urgent = count.expect("POST", "/tags", 201, json={"name": "Urgent", "color": "#ff0000"})
    assert (urgent["name"], urgent["color"]) == ("Urgent", "#ff0000")
    count.expect("POST", "/tags", 201, json={"name": "archive"})
    assert count.expect("GET", f"/tags/{urgent['id']}", 200) == urgent
    listed = count.expect("GET", "/tags", 200)
    assert [tag["name"] for tag in listed["tags"]] == ["archive", "Urgent"]
    assert listed["totalRecords"] == 2
    found = count.expect("GET", "/tags", 200, params={"search": "urg"})
    assert [tag["id"] for tag in found["tags"]] == [urgent["id"]]
    assert count.call("GET", "/tags/not-a-tag").status_code == 404
    assert count.call("POST", "/tags", json={"name": ""}).status_code == 400


def test_a_record_names_only_the_workspaces_tags(client: TestClient, count: CountClient) -> None:
    tag = count.expect("POST", "/tags", 201, json={"name": "Q1"})["id"]
    customer, product = count.basics()
    body, status = count.create_body("invoice", customer, product, 100)
    made = count.expect("POST", "/invoices", status, json={**body, "tagUuids": [tag]})
    assert made["tagUuids"] == [tag]
    unknown = count.call("POST", "/invoices", json={**body, "tagUuids": [tag, "nope"]})
    assert unknown.status_code == 404 and "Tag not found" in unknown.json()["message"]
    other = count_client(client, new_tenant(client, id="tags-elsewhere")["credentials"]["count"])
    theirs = other.expect("POST", "/tags", 201, json={"name": "Theirs"})["id"]
    assert count.call("POST", "/invoices", json={**body, "tagUuids": [theirs]}).status_code == 404
    assert count.call("GET", f"/tags/{theirs}").status_code == 404
    # a PATCH replaces the tags; an empty list clears them
    draft = count.expect("POST", "/invoices", status, json={**body, "isDraft": True})
    cleared = count.expect("PATCH", f"/invoices/{draft['id']}", 200, json={"tagUuids": []})
    assert cleared["tagUuids"] == []
