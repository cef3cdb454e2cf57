"""Default locations of the project's inputs and outputs.

The CLI builds a :class:`Paths` from the current directory (or ``--root``); library callers
pass their own. Nothing here is read at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Where the official CPSV-AP 3.2.0 shapes are looked for, relative to the project root,
#: unless ``KG_CPSV_SHAPES`` or ``--cpsv-shapes`` says otherwise.
CPSV_SHAPES_RELATIVE = Path("..") / "shared" / "standards" / "cpsv-ap-3.2.0-SHACL.ttl"
#: Where the reference files (municipalities, GGD regions) are, relative to the project root.
REFERENCE_RELATIVE = Path("..") / "shared" / "reference"


@dataclass(frozen=True)
class Paths:
    """Where kg reads its inputs and writes its build."""

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
        shapes: Path | None = None
        if use_cpsv:
            shapes = Path(
                cpsv_shapes or os.environ.get("KG_CPSV_SHAPES") or root / CPSV_SHAPES_RELATIVE
            )
        return cls(
            ontology_dir=root / "ontology",
            data_dir=root / "data",
            build_dir=Path(build_dir) if build_dir else root / "build",
            cpsv_shapes=shapes,
            reference_dir=root / REFERENCE_RELATIVE,
            queries_dir=root / "queries",
        )

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"
