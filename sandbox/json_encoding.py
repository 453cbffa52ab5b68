"""How the sandbox writes its JSON answers: orjson, several times faster than the standard
library on the list pages and records the vendors answer (JSON encoding was a fifth of a
DayZero list page's time in the server, bench/findings.md).

The bytes differ from the standard library's only in form, never in meaning: no spaces after
separators, non-ASCII characters as UTF-8 rather than ``\\u`` escapes. What orjson cannot
write (an integer beyond 64 bits that a client stored in a free-form field, say) is written
by the standard library, as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from connexion.jsonifier import JSONEncoder, Jsonifier


class _Json:
    """The ``json``-like module Connexion's :class:`Jsonifier` calls."""

    @staticmethod
    def dumps(data: Any, **kwargs: Any) -> str:
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()
        except (TypeError, orjson.JSONEncodeError):
            return json.dumps(data, **{"cls": JSONEncoder, **kwargs})

    loads = staticmethod(json.loads)


JSONIFIER = Jsonifier(_Json)
