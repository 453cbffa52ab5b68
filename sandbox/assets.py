"""Static files the sandbox's pages need, served by the sandbox so that they work without
internet: GraphiQL's scripts and styles for Kojo's ``GET /kojo/graphql``, from the
``graphene-django-graphiql-static`` package (GraphiQL 2.4 and React 17, prebuilt)."""

from __future__ import annotations

from importlib import resources
from typing import Any

GRAPHIQL_PACKAGE = "graphene_django_graphiql_static"
GRAPHIQL_FILES = {
    "graphiql.min.js": "text/javascript",
    "graphiql.min.css": "text/css",
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
}


def graphiql_asset(name: str) -> tuple[Any, int] | tuple[Any, int, dict[str, str]]:
    from sandbox.control import ControlError

    content_type = GRAPHIQL_FILES.get(name)
    if content_type is None:
        raise ControlError("No such asset", 404)
    folder = resources.files(GRAPHIQL_PACKAGE).joinpath("static", GRAPHIQL_PACKAGE)
    body = folder.joinpath(name).read_text(encoding="utf-8")
    headers = {"Content-Type": content_type, "Cache-Control": "public, max-age=86400"}
    return body, 200, headers
