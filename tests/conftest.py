"""Fixtures only: temporary projects, the tiny data set, the real build, a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.paths import CPSV_SHAPES_RELATIVE, Paths

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
TINY = DATA / "tiny" / "tiny.trig"
INVALID = DATA / "shapes" / "invalid"


SHARED = ROOT.parent / "shared"


def need_shared(what: str) -> None:
    """Skip a test that needs ``what`` from ``../shared`` (the source documents, the official
    CPSV-AP shapes, ...), naming how to provide it; with ``KG_REQUIRE_SHARED=1`` (CI) fail
    instead, so that a run that skips them cannot look green."""
    message = f"needs {what}: put the project's shared folder beside the clone (../shared)" + (
        " or set KG_CPSV_SHAPES" if "CPSV" in what else ""
    )
    if os.environ.get("KG_REQUIRE_SHARED"):
        pytest.fail(f"{message} (KG_REQUIRE_SHARED is set)")
    pytest.skip(message)


def cpsv_shapes_path() -> Path | None:
    """The official CPSV-AP shapes as kg would find them (``KG_CPSV_SHAPES`` or
    ``../shared/standards/``), or ``None`` where there are none: kg's shapes alone."""
    named = os.environ.get("KG_CPSV_SHAPES")
    path = Path(named) if named else ROOT / CPSV_SHAPES_RELATIVE
    return path.resolve() if path.is_file() else None


def cpsv_env(path: Path | None) -> dict[str, str]:
    """The environment for a kg process that should use ``path`` (or kg's shapes alone)."""
    env = {k: v for k, v in os.environ.items() if k != "KG_CPSV_SHAPES"}
    if path is not None:
        env["KG_CPSV_SHAPES"] = str(path)
    return env


@pytest.fixture(scope="session")
def cpsv() -> Path | None:
    """The official CPSV-AP shapes when they are there, else ``None``: the suite then runs
    with kg's own shapes, as a bare clone builds (CI requires them: KG_REQUIRE_SHARED)."""
    path = cpsv_shapes_path()
    if path is None and os.environ.get("KG_REQUIRE_SHARED"):
        pytest.fail("the official CPSV-AP 3.2.0 shapes are missing (KG_REQUIRE_SHARED is set)")
    return path


@pytest.fixture(scope="session")
def official_cpsv() -> Path:
    """The official CPSV-AP shapes, for tests about them (skipped where they are missing)."""
    path = cpsv_shapes_path()
    if path is None:
        need_shared("the official CPSV-AP 3.2.0 shapes (../shared/standards/)")
    assert path is not None
    return path


MakeProject = Callable[..., Paths]


def _make(root: Path, cpsv: Path | None, files: tuple[Path | tuple[str, str], ...]) -> Paths:
    shutil.copytree(ROOT / "ontology", root / "ontology")
    data = root / "data"
    data.mkdir(parents=True)
    for item in files:
        if isinstance(item, tuple):  # (name, text)
            (data / item[0]).write_text(item[1], "utf-8")
        else:
            shutil.copy(item, data / item.name)
    return Paths.from_root(root, cpsv_shapes=cpsv, use_cpsv=cpsv is not None)


@pytest.fixture
def make_project(tmp_path: Path, cpsv: Path | None) -> MakeProject:
    """A fresh project in a temporary folder with the real ontology and the given data files
    (paths to copy, or ``(name, text)`` pairs)."""

    def make(*files: Path | tuple[str, str]) -> Paths:
        return _make(tmp_path / "project", cpsv, files)

    return make


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory: pytest.TempPathFactory, cpsv: Path | None) -> Paths:
    paths = _make(tmp_path_factory.mktemp("tiny"), cpsv, (TINY,))
    build(paths)
    return paths


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory, cpsv: Path | None) -> Paths:
    """The real ontology/ and data/ built into a temporary build folder."""
    paths = Paths.from_root(
        ROOT,
        build_dir=tmp_path_factory.mktemp("real") / "build",
        cpsv_shapes=cpsv,
        use_cpsv=cpsv is not None,
    )
    build(paths)
    return paths


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser), with a
    fresh profile (Playwright gives each launch its own temporary user-data folder)."""
    required = os.environ.get("KG_REQUIRE_BROWSER") or os.environ.get("CI")
    try:
        from playwright import sync_api
    except ImportError:
        if required:
            pytest.fail("playwright is missing; pip install -e '.[test]'")
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        if required:  # a run that skips the browser tests must not look green
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
        )
        yield chromium
        chromium.close()


class Tab:
    """A browser tab that may reach only what ``allowed(url)`` accepts: every other request
    is refused and kept in ``refused``; failed requests go to ``failed``, console errors and
    uncaught exceptions to ``errors``, dialogs (dismissed) to ``dialogs``."""

    def __init__(self, browser, allowed: Callable[[str], bool], width: int, height: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.refused: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def route(r) -> None:
            if allowed(r.request.url):
                r.continue_()
            else:
                self.refused.append(r.request.url)
                r.abort()

        def dialog(d) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", dialog)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests in a real browser belong to the slow tier (python -m pytest -m slow)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
