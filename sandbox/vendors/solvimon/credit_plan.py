"""Turn a credit request into the exact amount to credit on each line of the original.

Without ``periods`` everything still creditable is credited. With ``periods``:

- a line's ``amount`` credits that line;
- a group's (or period's) ``amount`` without lines (or groups) is spread over its lines in their
  order, each line taking what it still has before the next one is touched;
- an amount given together with its parts must equal their sum.

One amount that asks more than its lines still have refuses the whole request: the plan is made
before anything is written, so a refused credit creates nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sandbox.vendors.solvimon import errors
from sandbox.vendors.solvimon.amounts import AmountError, to_minor, to_quantity
from sandbox.vendors.solvimon.lifecycle import LineKey

Plan = dict[LineKey, int]


class CreditPlanner:
    def __init__(self, invoice: Mapping[str, Any], creditable: Mapping[LineKey, int]) -> None:
        self._invoice = invoice
        self._currency: str = invoice["currency"]
        self._creditable = dict(creditable)
        self._plan: Plan = {}

    def plan(self, request: Mapping[str, Any]) -> Plan:
        periods, groups = request.get("periods"), request.get("groups")
        if periods is not None and groups is not None:
            raise errors.InvalidField(errors.PERIODS_AND_GROUPS, field="groups")
        if groups is not None:
            if not groups:
                raise errors.InvalidField(errors.NO_GROUPS, field="groups")
            if not self._invoice["periods"]:
                raise errors.InvalidField(errors.NO_PERIOD_FOR_GROUPS, field="groups")
            first = self._invoice["periods"][0]["period_order"]
            periods = [{"period_order": first, "groups": groups}]
            where = "groups"
        else:
            where = "periods"
        if periods is None:
            return self._everything()
        if not periods:
            raise errors.InvalidField(f"{where}: give at least one period to credit", field=where)
        self._requested_periods(periods, prefix="periods" if where == "periods" else "")
        return {key: amount for key, amount in self._plan.items() if amount}

    def _everything(self) -> Plan:
        plan = {key: left for key, left in self._creditable.items() if left > 0}
        if not plan:
            raise errors.InvalidOperation(
                errors.NOTHING_TO_CREDIT,
                resource_id=self._invoice["id"],
                resource_type=errors.INVOICE,
            )
        return plan

    # the request, level by level -------------------------------------------------------------

    def _requested_periods(self, periods: Sequence[Mapping[str, Any]], prefix: str) -> None:
        by_order = {p["period_order"]: p for p in self._invoice["periods"]}
        seen: set[int] = set()
        for index, asked in enumerate(periods):
            # The deprecated top-level groups are the first period's: their fields are groups.N
            field = f"{prefix}.{index}" if prefix else ""
            order = asked["period_order"]
            if order not in by_order:
                raise errors.InvalidField(
                    errors.NO_SUCH_PERIOD.format(order=order), field=_join(field, "period_order")
                )
            _once(seen, order, "period_order", _join(field, "period_order"))
            period = by_order[order]
            if asked.get("groups"):
                group_prefix = _join(field, "groups") if prefix else "groups"
                parts = self._requested_groups(period, asked["groups"], group_prefix)
                self._agrees(asked.get("amount"), parts, _join(field, "amount"))
            else:
                amount = self._amount(asked.get("amount"), _join(field, "amount"))
                keys = [k for k in self._creditable if k[0] == order]
                self._spread(amount, keys, _join(field, "amount"))

    def _requested_groups(
        self, period: Mapping[str, Any], groups: Sequence[Mapping[str, Any]], prefix: str
    ) -> int:
        by_order = {g["group_order"]: g for g in period["groups"]}
        seen: set[int] = set()
        asked_total = 0
        for index, asked in enumerate(groups):
            field = f"{prefix}.{index}"
            order = asked["group_order"]
            if order not in by_order:
                raise errors.InvalidField(
                    errors.NO_SUCH_GROUP.format(period=period["period_order"], order=order),
                    field=f"{field}.group_order",
                )
            _once(seen, order, "group_order", f"{field}.group_order")
            group_key = (period["period_order"], order)
            if asked.get("lines"):
                parts = self._requested_lines(group_key, asked["lines"], f"{field}.lines")
                asked_total += self._agrees(asked.get("amount"), parts, f"{field}.amount")
            else:
                amount = self._amount(asked.get("amount"), f"{field}.amount")
                keys = [k for k in self._creditable if k[:2] == group_key]
                self._spread(amount, keys, f"{field}.amount")
                asked_total += amount
        return asked_total

    def _requested_lines(
        self, group_key: tuple[int, int], lines: Sequence[Mapping[str, Any]], prefix: str
    ) -> int:
        seen: set[int] = set()
        asked_total = 0
        for index, asked in enumerate(lines):
            field = f"{prefix}.{index}"
            key = (*group_key, asked["line_order"])
            if key not in self._creditable:
                raise errors.InvalidField(
                    errors.NO_SUCH_LINE.format(
                        period=group_key[0], group=group_key[1], order=asked["line_order"]
                    ),
                    field=f"{field}.line_order",
                )
            _once(seen, asked["line_order"], "line_order", f"{field}.line_order")
            amount = self._amount(asked.get("amount"), f"{field}.amount")
            self._spread(amount, [key], f"{field}.amount")
            asked_total += amount
        return asked_total

    # amounts ----------------------------------------------------------------------------------

    def _amount(self, given: Mapping[str, Any] | None, field: str) -> int:
        if given is None:
            raise errors.InvalidField(f"{field}: Field required", code="MISSING_FIELD", field=field)
        if given["currency"] != self._currency:
            raise errors.InvalidField(
                errors.WRONG_CURRENCY.format(currency=self._currency), field=f"{field}.currency"
            )
        try:
            minor = to_minor(given["quantity"], self._currency)
        except AmountError as problem:
            raise errors.InvalidField(str(problem), field=f"{field}.quantity") from None
        if minor <= 0:
            raise errors.InvalidField(errors.ZERO_AMOUNT, field=f"{field}.quantity")
        return minor

    def _agrees(self, given: Mapping[str, Any] | None, parts: int, field: str) -> int:
        if given is not None:
            amount = self._amount(given, field)
            if amount != parts:
                raise errors.InvalidField(
                    errors.PARTS_DISAGREE.format(
                        amount=to_quantity(amount, self._currency),
                        parts=to_quantity(parts, self._currency),
                    ),
                    field=field,
                )
        return parts

    def _spread(self, amount: int, keys: Sequence[LineKey], field: str) -> None:
        """Take ``amount`` from the lines ``keys`` in order; all of it, or refuse."""
        left_over = amount
        taken: Plan = {}
        for key in keys:
            room = self._creditable[key] - self._plan.get(key, 0)
            take = min(room, left_over)
            if take > 0:
                taken[key] = take
                left_over -= take
        if left_over:
            room = amount - left_over
            raise errors.InvalidField(
                errors.OVER_CREDIT.format(
                    left=to_quantity(room, self._currency),
                    currency=self._currency,
                    asked=to_quantity(amount, self._currency),
                ),
                field=field,
            )
        for key, take in taken.items():
            self._plan[key] = self._plan.get(key, 0) + take


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _once(seen: set[int], order: int, name: str, field: str) -> None:
    if order in seen:
        raise errors.InvalidField(errors.REPEATED_ORDER.format(what=name, order=order), field=field)
    seen.add(order)
