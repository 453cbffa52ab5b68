"""Invariant checks: plain functions over a response body that raise AssertionError."""

# Where the Schemathesis process writes how many objects each check saw (see st_hooks.py).
COUNTS_ENV = "CREDITBOX_CHECK_COUNTS"
# Where the Schemathesis process finds COUNT's client secret, to sign what it sends.
COUNT_SECRET_ENV = "CREDITBOX_COUNT_CLIENT_SECRET"
