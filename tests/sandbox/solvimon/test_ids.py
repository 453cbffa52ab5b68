"""Solvimon's ids: a prefix and twenty letters and digits, each of the 62 as likely as the others,
never repeated."""

from __future__ import annotations

import re
from collections import Counter

from sandbox.vendors.solvimon.ids import random_id


def test_ids_are_the_prefix_and_twenty_letters_or_digits_and_never_repeat() -> None:
    ids = [random_id("invo") for _ in range(5_000)]
    assert all(re.fullmatch(r"invo_[A-Za-z0-9]{20}", found) for found in ids)
    assert len(set(ids)) == len(ids)


def test_every_letter_and_digit_is_drawn_about_equally_often() -> None:
    counts = Counter(char for _ in range(5_000) for char in random_id("reqr")[5:])
    assert len(counts) == 62
    expected = 5_000 * 20 / 62  # about 1,613 each
    # a byte's 256 values onto 62 letters without rejecting 248 and above would favour the
    # first eight by a quarter; six standard deviations of a fair draw is about 240
    assert max(counts.values()) - expected < 240
    assert expected - min(counts.values()) < 240
