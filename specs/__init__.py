"""The vendor API specs, shipped as package data so an installed creditbox finds them."""

from importlib import resources
from pathlib import Path


def spec_path(name: str) -> Path:
    """Return the filesystem path of a spec shipped with creditbox, e.g. ``dayzero.yaml``; an
    absolute path (a vendor another package adds brings its own spec) is taken as it is."""
    if Path(name).is_absolute():
        return Path(name)
    path = Path(str(resources.files(__name__).joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"no spec named {name!r} in {path.parent}")
    return path
