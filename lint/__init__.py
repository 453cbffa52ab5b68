"""Checks for ``make lint`` that the linters cannot express on their own."""
