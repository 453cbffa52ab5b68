"""``make bench``: the sandbox measured against Prism's mock and a bare Starlette app, in one run.

Results go to ``docs/benchmarks.md``; see ``bench/__main__.py`` for what is measured.
"""

import warnings

# Connexion imports Starlette's test client, which warns about its httpx dependency (unused here)
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
