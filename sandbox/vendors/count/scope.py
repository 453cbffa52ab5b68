"""Whom a COUNT call acts for, as the models see it: the tenant, the workspace and the client.
The HTTP layer (``auth.workspace``) builds it from the request; the models never read a request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workspace:
    tenant_id: str
    workspace_id: str
    client_id: str
