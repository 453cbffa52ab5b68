"""What belongs to neither half of creditbox: the ``creditbox`` command, which assembles the
sandbox's and the harness's commands, and what both halves' registries share. Neither half
imports this package's command, so each half still stands on its own."""
