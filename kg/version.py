"""The one version number of kg (pyproject.toml reads it from here)."""

__version__ = "0.2.0"
