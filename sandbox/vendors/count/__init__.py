"""COUNT Partner API: credit memos as invoices of type memo (specs/count.yaml)."""
