"""kg: an open knowledge graph of the Dutch social domain.

The Python API mirrors the command line; each verb lives in the module named for it::

    from kg import Paths, open_store
    from kg.build import build
    from kg.publish.export import export

    paths = Paths.from_root(".")
    result = build(paths)                  # parse, validate, write build/
    store = open_store(paths.build_dir)    # query the built graph
    text = export(paths.build_dir, "ttl")  # deterministic Turtle
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.version import __version__

# Imported lazily so that `kg --help` does not pay for rdflib and pyoxigraph. The verbs `build`
# and `export` are not re-exported: their names are also module names (kg.build, kg.publish.export).
_EXPORTS = {
    "BuildResult": "kg.build",
    "load_sources": "kg.store.files",
    "BuildNotFoundError": "kg.errors",
    "DataSyntaxError": "kg.errors",
    "KgError": "kg.errors",
    "UsageError": "kg.errors",
    "ValidationFailed": "kg.validate",
    "FORMATS": "kg.store.rdf",
    "Paths": "kg.paths",
    "LocalStore": "kg.store",
    "Store": "kg.store",
    "open_store": "kg.store",
    "ValidationReport": "kg.validate",
    "Violation": "kg.validate",
    "validate_sources": "kg.validate",
}

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
    "load_sources",
    "open_store",
    "validate_sources",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


if TYPE_CHECKING:
    from kg.build import BuildResult
    from kg.errors import (
        BuildNotFoundError,
        DataSyntaxError,
        KgError,
        UsageError,
    )
    from kg.paths import Paths
    from kg.store import LocalStore, Store, open_store
    from kg.store.files import load_sources
    from kg.store.rdf import FORMATS
    from kg.validate import ValidationFailed, ValidationReport, Violation, validate_sources
