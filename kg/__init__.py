"""kg: an open knowledge graph of the Dutch social domain.

The public Python API mirrors the command line::

    from kg import build, validate_sources, export, open_store, Paths

    paths = Paths.from_root(".")
    result = build(paths)                 # parse, validate, write build/
    store = open_store(paths.build_dir)   # query the built graph
    text = export(paths.build_dir, "ttl") # deterministic Turtle
"""

from __future__ import annotations

__version__ = "0.1.0"

from kg.build import BuildResult, build, load_sources
from kg.errors import (
    BuildNotFoundError,
    DataSyntaxError,
    KgError,
    UsageError,
    ValidationFailed,
)
from kg.export import FORMATS, export
from kg.paths import Paths
from kg.store import LocalStore, Store, open_store
from kg.validate import ValidationReport, Violation, validate_sources

__all__ = [
    "FORMATS",
    "BuildNotFoundError",
    "BuildResult",
    "DataSyntaxError",
    "KgError",
    "LocalStore",
    "Paths",
    "Store",
    "UsageError",
    "ValidationFailed",
    "ValidationReport",
    "Violation",
    "__version__",
    "build",
    "export",
    "load_sources",
    "open_store",
    "validate_sources",
]
