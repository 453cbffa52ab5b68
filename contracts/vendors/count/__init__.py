"""COUNT, to the contract harness: its adapter, client, rules and invariants."""
