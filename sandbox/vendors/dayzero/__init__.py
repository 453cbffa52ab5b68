"""DayZero: credit memos, and the customers and invoices they credit (specs/dayzero.yaml)."""
