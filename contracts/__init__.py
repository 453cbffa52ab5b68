"""creditbox's contract harness: checks any deployment of the vendor APIs over HTTP.

Nothing here imports the sandbox's internals, so the same checks run against the sandbox and
against a real deployment.
"""
