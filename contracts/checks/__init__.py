"""Invariant checks: plain functions over a response body that raise AssertionError."""
