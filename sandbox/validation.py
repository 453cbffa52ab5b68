"""Request validation that keeps every error and where it is, for the vendors' own error bodies.

Connexion's stock validators report only the first error, as a sentence, and answer 500 on a JSON
body that is not UTF-8 (upstream issue 1860). These subclasses collect every error as an
:class:`Issue` (``loc``, ``msg``, ``type``, ``input``, in the vocabulary FastAPI uses, which is
what DayZero answers with) and raise :class:`RequestInvalid`; each vendor then shapes the issues
its own way (see ``sandbox/error_handlers.py``).

Most requests are valid, and interpreting a schema in Python for each of them was a large part of
a request's time. So a schema is first compiled with jsonschema-rs (:func:`accepts`), which says
only whether a value is valid; only a value it does not accept is walked by ``jsonschema`` to
name its issues. The compiled validator is given the same format checks (``FORMATS``), and a
body's schema is compiled with OpenAPI's ``nullable`` spelled out as JSON Schema, as Connexion's
request validator reads it. A schema it cannot compile has every value walked as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator
from typing import Any

import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import ProblemException
from connexion.json_schema import Draft4RequestValidator
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
)
from jsonschema import Draft4Validator, FormatChecker, ValidationError
from jsonschema.validators import extend
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException
from starlette.types import Receive, Scope

Issue = dict[str, Any]

_REQUIRED = re.compile(r"^'(.+)' is a required property$")
_TYPE_NAMES = {
    "integer": ("int_type", "Input should be a valid integer"),
    "number": ("float_type", "Input should be a valid number"),
    "string": ("string_type", "Input should be a valid string"),
    "boolean": ("bool_type", "Input should be a valid boolean"),
    "array": ("list_type", "Input should be a valid list"),
    "object": ("dict_type", "Input should be a valid dictionary or object"),
}


# Deeper JSON is refused, as pydantic's parser (FastAPI's, so DayZero's) refuses it; it also keeps
# Python's own recursion limit (about 1,000 levels) away from the parser, the validator and the
# error bodies that echo the input.
MAX_JSON_DEPTH = 200
TOO_DEEP: Issue = {"loc": ["body"], "msg": "JSON nested too deeply", "type": "json_invalid"}


class RequestInvalid(ProblemException):
    """The request breaks its operation's schema. Carries every issue found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__(status=422, title="Unprocessable Entity", detail=json.dumps(issues))


def depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _finite(text: str) -> float:
    """A JSON number as a float; ``1e400`` is not one that fits (Python would make it ``inf``)."""
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise RequestInvalid(
            [
                {
                    "loc": ["body"],
                    "msg": "Input should be a finite number",
                    "type": "finite_number",
                    "input": text[:100],
                }
            ]
        )
    return number


def _describe(error: ValidationError) -> tuple[str, str, list[str | int]]:
    """FastAPI's ``type`` and ``msg`` for a jsonschema error, and any extra ``loc`` steps."""
    schema: Any = error.schema if isinstance(error.schema, dict) else {}
    value = error.validator_value
    kind = str(error.validator)
    if kind == "required":
        match = _REQUIRED.match(error.message)
        return "missing", "Field required", [match.group(1)] if match else []
    if kind == "type":
        type_name = value[0] if isinstance(value, list) else value
        code, message = _TYPE_NAMES.get(str(type_name), ("type_error", error.message))
        return code, message, []
    if kind == "minimum":
        if schema.get("exclusiveMinimum"):
            return "greater_than", f"Input should be greater than {value}", []
        return "greater_than_equal", f"Input should be greater than or equal to {value}", []
    if kind == "maximum":
        if schema.get("exclusiveMaximum"):
            return "less_than", f"Input should be less than {value}", []
        return "less_than_equal", f"Input should be less than or equal to {value}", []
    simple: dict[str, tuple[str, Callable[[Any], str]]] = {
        "minLength": ("string_too_short", lambda v: f"String should have at least {v} characters"),
        "maxLength": ("string_too_long", lambda v: f"String should have at most {v} characters"),
        "pattern": ("string_pattern_mismatch", lambda v: f"String should match pattern '{v}'"),
        "minItems": ("too_short", lambda v: f"List should have at least {v} items"),
        "maxItems": ("too_long", lambda v: f"List should have at most {v} items"),
        "enum": ("enum", lambda v: "Input should be " + " or ".join(repr(x) for x in v)),
        "format": ("value_error", lambda v: f"Input should be a valid {v}"),
    }
    if kind in simple:
        code, render = simple[kind]
        return code, render(value), []
    if kind == "not" and isinstance(schema.get("description"), str):
        # a rule across fields, stated as "not this combination": its description says it
        return "value_error", schema["description"], []
    return kind, error.message, []


def _extra_properties(error: ValidationError, root: list[str | int]) -> list[Issue]:
    """One issue per property the schema does not allow, located at that property."""
    schema: Any = error.schema if isinstance(error.schema, dict) else {}
    known = set(schema.get("properties", {}))
    return [
        {
            "loc": [*root, *error.absolute_path, name],
            "msg": "Extra inputs are not permitted",
            "type": "extra_forbidden",
            "input": error.instance[name],
        }
        for name in sorted(str(key) for key in error.instance if key not in known)
    ]


def schema_issues(errors: Iterable[ValidationError], root: list[str | int]) -> list[Issue]:
    issues = []
    for error in sorted(errors, key=lambda e: [str(step) for step in e.absolute_path]):
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            issues += _extra_properties(error, root)
            continue
        code, message, extra = _describe(error)
        issues.append(
            {
                "loc": [*root, *error.absolute_path, *extra],
                "msg": message,
                "type": code,
                "input": error.instance,
            }
        )
    return issues


def _reject_constant(name: str) -> Any:
    """``NaN`` and ``Infinity`` are not JSON, though Python's parser takes them."""
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _format_checker() -> FormatChecker:
    """Draft 4's formats plus ``date`` and ``date-time``, which Connexion leaves unchecked."""
    checker = FormatChecker(formats=list(Draft4Validator.FORMAT_CHECKER.checkers))

    _check_format(checker, "date", _DATE, "not YYYY-MM-DD", dt.date.fromisoformat)
    _check_format(checker, "date-time", _DATE_TIME, "not an RFC 3339 date-time", _date_time)
    return checker


def _date_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def _check_format(
    checker: FormatChecker,
    name: str,
    pattern: re.Pattern[str],
    mismatch: str,
    parse: Callable[[str], object],
) -> None:
    """Format ``name``: a string must match ``pattern`` (else ``mismatch``) and ``parse``; other
    types pass, as JSON Schema's formats say."""

    @checker.checks(name, raises=ValueError)
    def check(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not pattern.match(value):
            raise ValueError(mismatch)
        parse(value)
        return True


def _anchored_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """``pattern``; a closing ``$`` means the end of the string, not before a final newline."""
    if not validator.is_type(instance, "string"):
        return
    match = re.search(pattern, instance)
    if match is None or (pattern.endswith("$") and match.end() != len(instance)):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
_DATE_TIME = re.compile(r"\A\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")
FORMATS = _format_checker()
BodySchemaValidator = extend(Draft4RequestValidator, {"pattern": _anchored_pattern})
ParameterSchemaValidator = extend(Draft4Validator, {"pattern": _anchored_pattern})
_COMPILED: dict[tuple[type, int], tuple[Any, Any]] = {}


def compiled(kind: type, schema: Any) -> Any:
    """The validator of ``kind`` for ``schema``, built once per schema.

    Connexion builds its validators again for every request; a schema of the specs lives as long
    as the app, so its validator can too. Keyed by identity (schemas are dicts): the entry keeps
    its schema alive, so an id is never mistaken for another schema's.
    """
    entry = _COMPILED.get((kind, id(schema)))
    if entry is None or entry[0] is not schema:
        if len(_COMPILED) > 10_000:  # apps built over and over (tests): start afresh
            _COMPILED.clear()
        entry = (schema, kind(schema, format_checker=FORMATS))
        _COMPILED[(kind, id(schema))] = entry
    return entry[1]


_ACCEPTORS: dict[tuple[int, bool], tuple[Any, Any]] = {}
# the keywords whose values are schemas, or lists or maps of schemas (JSON Schema draft 4)
_ONE_SCHEMA = ("items", "additionalProperties", "not", "additionalItems")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions")


def accepts(schema: Any, value: Any, *, openapi_nullable: bool = False) -> bool:
    """Whether the compiled validator of ``schema`` takes ``value`` as valid (False also when
    the schema has no compiled validator: the caller then validates in Python).

    ``openapi_nullable``: read OpenAPI's ``nullable`` (and ``x-nullable``) as Connexion's
    request validator does: ``null`` passes the ``type`` and ``enum`` of a nullable schema."""
    key = (id(schema), openapi_nullable)
    entry = _ACCEPTORS.get(key)
    if entry is None or entry[0] is not schema:
        if len(_ACCEPTORS) > 10_000:  # apps built over and over (tests): start afresh
            _ACCEPTORS.clear()
        entry = (schema, _acceptor(schema, openapi_nullable))
        _ACCEPTORS[key] = entry
    acceptor = entry[1]
    if acceptor is None:
        return False
    try:
        return bool(acceptor.is_valid(value))
    except (ValueError, TypeError, OverflowError):  # a value it cannot read: Python decides
        return False


def _acceptor(schema: Any, openapi_nullable: bool) -> Any:
    if not isinstance(schema, dict):
        return None
    formats: dict[str, Callable[..., bool]] = {
        name: functools.partial(FORMATS.conforms, format=name) for name in FORMATS.checkers
    }
    compiled_schema = _null_where_nullable(schema) if openapi_nullable else schema
    try:
        return jsonschema_rs.Draft4Validator(
            compiled_schema, formats=formats, validate_formats=True
        )
    except (ValueError, TypeError):  # e.g. a pattern its regex engine does not take
        return None


def _null_where_nullable(schema: Any) -> Any:
    """A copy of ``schema`` in plain JSON Schema: where OpenAPI says ``nullable``, ``null`` is
    added to the schema's ``type`` and ``enum``, which is all Connexion's request validator
    makes of it."""
    if not isinstance(schema, dict):
        return schema
    copied: dict[str, Any] = dict(schema)
    for keyword in _ONE_SCHEMA:
        if isinstance(copied.get(keyword), dict):
            copied[keyword] = _null_where_nullable(copied[keyword])
    for keyword in _SCHEMA_LISTS:
        if isinstance(copied.get(keyword), list):
            copied[keyword] = [_null_where_nullable(item) for item in copied[keyword]]
    for keyword in _SCHEMA_MAPS:
        if isinstance(copied.get(keyword), dict):
            copied[keyword] = {
                name: _null_where_nullable(sub) for name, sub in copied[keyword].items()
            }
    if schema.get("x-nullable") is True or schema.get("nullable"):
        if "type" in copied:
            types = copied["type"] if isinstance(copied["type"], list) else [copied["type"]]
            copied["type"] = [*types, "null"]
        if isinstance(copied.get("enum"), list):
            copied["enum"] = [*copied["enum"], None]
    return copied


class JSONBodyValidator(JSONRequestBodyValidator):
    """Every body error at once; an unreadable or missing body is an issue too, never a 500.

    An absent body and a literal JSON ``null`` are different requests: an optional body may be
    left out, but ``null`` is a value that must match the schema like any other.
    """

    _absent = True

    @property
    def _validator(self) -> Any:
        return compiled(BodySchemaValidator, self._schema)

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        # sandbox.body_limits has read the body and set its Content-Length, chunked or not
        length = Headers(scope=scope).get("content-length", "0")
        missing = not length.isdigit() or int(length) == 0
        self._absent = missing
        if missing and self._required and self._schema.get("default") is None:
            raise RequestInvalid([{"loc": ["body"], "msg": "Field required", "type": "missing"}])
        return await super().wrap_receive(receive, scope=scope)

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        try:
            text = raw.decode(self._encoding)
        except (UnicodeDecodeError, LookupError):
            raise RequestInvalid(
                [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}]
            ) from None
        if not text:
            return None
        try:
            parsed = json.loads(text, parse_constant=_reject_constant, parse_float=_finite)
        except RecursionError:
            raise RequestInvalid([TOO_DEEP]) from None
        except json.JSONDecodeError as error:
            raise RequestInvalid(
                [
                    {
                        "loc": ["body", error.pos],
                        "msg": "JSON decode error",
                        "type": "json_invalid",
                        "ctx": {"error": error.msg},
                    }
                ]
            ) from None
        except ValueError as error:  # an integer of more digits than Python converts (4,300)
            raise RequestInvalid(
                [
                    {
                        "loc": ["body"],
                        "msg": "JSON decode error",
                        "type": "json_invalid",
                        "ctx": {"error": str(error).split(";")[0]},
                    }
                ]
            ) from None
        if depth(parsed) > MAX_JSON_DEPTH:
            raise RequestInvalid([TOO_DEEP])
        return parsed

    def _validate(self, body: Any) -> dict[Any, Any] | None:
        if body is None and self._absent:
            if self._required and not self._nullable:
                raise RequestInvalid(
                    [{"loc": ["body"], "msg": "Field required", "type": "missing"}]
                )
            return None
        if accepts(self._schema, body, openapi_nullable=True):
            return None
        issues = schema_issues(self._validator.iter_errors(body), ["body"])
        if issues:
            raise RequestInvalid(issues)
        return None


class MultipartValidator(MultiPartFormDataValidator):
    """A body that is not valid multipart (broken headers, bad boundary) is the client's 400/422."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        try:
            return await super()._parse(stream, scope)
        except MultiPartException as error:
            raise RequestInvalid(
                [
                    {
                        "loc": ["body"],
                        "msg": f"Invalid multipart data: {error.message}",
                        "type": "value_error",
                    }
                ]
            ) from None


class ParametersValidator(ParameterValidator):
    """Every path, query, header and cookie error at once, located as ``[where, name]``."""

    def validate_request(self, request: Any) -> None:
        issues: list[Issue] = []
        if self.strict_validation:
            extra = self.validate_query_parameter_list(
                request, security_params=self.security_query_params
            )
            issues += [
                {
                    "loc": ["query", name],
                    "msg": "Extra inputs are not permitted",
                    "type": "extra_forbidden",
                }
                for name in sorted(extra)
            ]
        sources: dict[str, Callable[[str], Any]] = {
            "path": lambda name: request.path_params.get(name.replace("-", "_")),
            "query": lambda name: request.query_params.get(name),
            "header": lambda name: request.headers.get(name),
            "cookie": lambda name: request.cookies.get(name),
        }
        for where, read in sources.items():
            for param in self.parameters.get(where, []):
                issues += self._issues(where, param, read(param["name"]))
        if issues:
            raise RequestInvalid(issues)

    @staticmethod
    def _issues(where: str, param: dict[str, Any], value: Any) -> list[Issue]:
        loc: list[str | int] = [where, param["name"]]
        if is_nullable(param) and is_null(value):
            return []
        if value is None:
            if param.get("required"):
                return [{"loc": loc, "msg": "Field required", "type": "missing", "input": None}]
            return []
        schema = param.get("schema", param)
        if accepts(schema, value):
            return []
        return schema_issues(compiled(ParameterSchemaValidator, schema).iter_errors(value), loc)


VALIDATOR_MAP = {
    "parameter": ParametersValidator,
    "body": MediaTypeDict(
        {
            "*/*json": JSONBodyValidator,
            "application/x-www-form-urlencoded": FormDataValidator,
            "multipart/form-data": MultipartValidator,
        }
    ),
}
