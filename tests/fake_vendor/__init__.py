"""Tally, a vendor that does not exist: a credit-note API of four operations, added to creditbox
by following docs/adding-a-vendor.md as another package would (entry points, no shared module
touched). tests/test_adding_a_vendor.py installs it for one sandbox and one contract run."""
