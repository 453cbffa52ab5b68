"""Tally's harness half: its adapter (``ADAPTER``, under the ``creditbox.adapters`` entry point),
client, rules and invariants."""
