"""The vendors' options become one command line: a flag two vendors share says what it is to
each, and two vendors that would read one flag differently are refused at once."""

from __future__ import annotations

import pytest

from contracts.options import Option, ids, merged


def test_a_shared_flag_says_what_it_is_to_each_vendor() -> None:
    [token] = merged(
        {
            "DayZero": (Option("token", str, None, "the API token", header=True),),
            "COUNT": (Option("token", str, None, "the partner token", header=True),),
        }
    )
    assert token.help == "DayZero: the API token; COUNT: the partner token"


def test_two_vendors_reading_one_flag_differently_are_refused() -> None:
    with pytest.raises(ValueError, match="--ref: B and A read it differently"):
        merged(
            {
                "A": (Option("ref", str, None, "one id"),),
                "B": (Option("ref", ids, (), "several ids", takes_list=True),),
            }
        )
