"""COUNT's JSON: camelCase, decimal money, ``id`` equal to the record's UUID."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.vendors.count.models import PageOf


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def customer_json(customer: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": customer["id"],
        "customer": customer["customer"],
        "email": customer["email"],
        "addresses": customer["addresses"],
        "contacts": customer["contacts"],
        "createdAt": customer["created_at"],
        "updatedAt": customer["updated_at"],
    }


def product_json(product: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": product["id"],
        "name": product["name"],
        "description": product["description"],
        "unitPrice": dollars(product["unit_price"]),
        "createdAt": product["created_at"],
        "updatedAt": product["updated_at"],
    }


def page_json(key: str, page: PageOf, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {key: items, "totalRecords": page.total, "page": page.page, "limit": page.limit}
