"""Invariant checks: plain functions over a response body that raise AssertionError."""

# Where the Schemathesis process writes how many objects each check saw (see st_hooks.py).
COUNTS_ENV = "CREDITBOX_CHECK_COUNTS"
