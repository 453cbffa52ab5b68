"""How the harness authenticates to each vendor, as that vendor's clients do."""
