"""Kojo's executable GraphQL schema: specs/kojo.graphql with the views' resolvers bound to it.

The SDL is the routing table here, as the OpenAPI files are for the REST vendors: every type and
field comes from it, and Ariadne refuses to start if a resolver names a field it lacks.
"""

from __future__ import annotations

from ariadne import load_schema_from_path, make_executable_schema
from graphql import GraphQLSchema

from sandbox.vendors.kojo.views import BINDABLES
from specs import spec_path


def build() -> GraphQLSchema:
    type_defs = load_schema_from_path(str(spec_path("kojo.graphql")))
    return make_executable_schema(type_defs, *BINDABLES)
