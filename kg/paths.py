"""Default locations of the project's inputs and outputs.

The CLI builds a :class:`Paths` from the current directory (or ``--root``); library callers
pass their own. Nothing here is read at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Where the official CPSV-AP 3.2.0 shapes are looked for, relative to the project root,
#: unless ``KG_CPSV_SHAPES`` or ``--cpsv-shapes`` says otherwise. They are optional: a clone
#: with nothing beside it validates with kg's own shapes (which carry CPSV-AP's constraints
#: for the classes kg uses) and says so.
CPSV_SHAPES_RELATIVE = Path("..") / "shared" / "standards" / "cpsv-ap-3.2.0-SHACL.ttl"
#: Where the reference files (municipalities, GGD regions, money, UPL) are, relative to the
#: project root: in the repository, so that a bare clone has everything the build reads.
REFERENCE_RELATIVE = Path("data") / "reference" / "inputs"


@dataclass(frozen=True)
class Paths:
    """Where kg reads its inputs and writes its build.

    ``cpsv_shapes`` is the official CPSV-AP shapes file to validate with, or ``None`` for kg's
    shapes alone. A path named here must exist (:func:`kg.validate.load_shapes` says so);
    :meth:`from_root` names the default location only when a file is there."""

    ontology_dir: Path
    data_dir: Path
    build_dir: Path
    cpsv_shapes: Path | None
    reference_dir: Path | None = None
    queries_dir: Path | None = None

    @classmethod
    def from_root(
        cls,
        root: str | Path = ".",
        *,
        build_dir: str | Path | None = None,
        cpsv_shapes: str | Path | None = None,
        use_cpsv: bool = True,
    ) -> Paths:
        root = Path(root)
        return cls(
            ontology_dir=root / "ontology",
            data_dir=root / "data",
            build_dir=Path(build_dir) if build_dir else root / "build",
            cpsv_shapes=find_cpsv_shapes(root, cpsv_shapes) if use_cpsv else None,
            reference_dir=root / REFERENCE_RELATIVE,
            queries_dir=root / "queries",
        )

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"


def find_cpsv_shapes(root: Path, explicit: str | Path | None = None) -> Path | None:
    """The official CPSV-AP shapes to use: the file named by ``explicit`` or
    ``KG_CPSV_SHAPES`` (which must then exist), else the default location beside the project
    when a file is there, else ``None`` (kg's shapes alone)."""
    named = explicit or os.environ.get("KG_CPSV_SHAPES")
    if named:
        return Path(named)
    default = root / CPSV_SHAPES_RELATIVE
    return default if default.is_file() else None
