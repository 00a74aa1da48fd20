"""The shape of the package: no import cycle, each layer imports only what it may, and the CLI parser stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "emodash"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """emodash modules `path` imports at run time, wherever the import sits (function-level imports included:
    they hide cycles, they do not remove them); imports under `if TYPE_CHECKING:` are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            typing_only |= {id(n) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("emodash")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("emodash"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: _runtime_imports(path, set(files)) - {name} for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph, as the list of modules along it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_emodash_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def _imports_of(prefix: str) -> dict[str, set[str]]:
    return {m: deps for m, deps in import_graph().items() if m == prefix or m.startswith(prefix + ".")}


@pytest.mark.parametrize(
    "layer, forbidden",
    [
        ("emodash.core", ("emodash.io", "emodash.modalities", "emodash.research", "emodash.serving",
                          "emodash.dashboard", "emodash.training", "emodash.cli", "emodash.datasets",
                          "emodash.catalogue", "emodash.api")),
        ("emodash.io", ("emodash.modalities", "emodash.research", "emodash.serving", "emodash.dashboard",
                        "emodash.training", "emodash.cli", "emodash.catalogue", "emodash.api")),
        ("emodash.serving", ("emodash.research", "emodash.training", "emodash.dashboard", "emodash.cli",
                             "emodash.catalogue", "emodash.api")),
        ("emodash.modalities", ("emodash.training", "emodash.dashboard", "emodash.cli", "emodash.catalogue",
                                "emodash.api")),
        ("emodash.research", ("emodash.training", "emodash.dashboard", "emodash.cli", "emodash.api")),
        # the catalogue is read by the API and the page, written by the CLI; it knows none of them
        ("emodash.catalogue", ("emodash.research", "emodash.training", "emodash.dashboard", "emodash.cli",
                               "emodash.api", "emodash.serving")),
        # the API serves the catalogue's queries and the inference layer, nothing of research or the dashboard
        ("emodash.api", ("emodash.research", "emodash.training", "emodash.dashboard", "emodash.cli")),
        # batch analysis runs the inference layer over files; the CLI and the Analyze page call it
        ("emodash.analysis", ("emodash.research", "emodash.training", "emodash.dashboard", "emodash.cli",
                              "emodash.api", "emodash.catalogue")),
    ],
)  # fmt: skip
def test_each_layer_imports_only_what_it_may(layer, forbidden):
    bad = {m: sorted(d for d in deps if d.startswith(forbidden)) for m, deps in _imports_of(layer).items()}
    assert not {m: d for m, d in bad.items() if d}


def test_only_the_dashboard_imports_streamlit_or_av():
    """Streamlit and the WebRTC stack stay in the dashboard; PyAV also reads media files in `emodash.io.media`."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if name.startswith("emodash.dashboard") or name == "emodash.io.media":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])  # fmt: skip
            if any(n.split(".")[0] in ("streamlit", "streamlit_webrtc", "av") for n in names):
                offenders.append(name)
    assert not offenders


HEAVY = ("numpy", "pandas", "sklearn", "scipy", "tensorflow", "keras", "mediapipe", "librosa", "cv2", "streamlit",
         "plotly", "skops", "av")  # fmt: skip


def test_building_the_cli_parser_imports_nothing_heavy():
    code = (
        "import sys; from emodash.cli import build_parser; build_parser(); "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_modality_is_one_descriptor_whose_references_resolve():
    from emodash import modalities
    from emodash.core.modality import resolve

    assert len(set(modalities.names())) == len(modalities.MODALITIES)
    for m in modalities.MODALITIES:
        for field in ("reader", "demo", "describe", "task"):
            ref = getattr(m, field)
            if ref:
                assert callable(resolve(ref)), f"{m.name}.{field}: {ref}"
        assert all(d.modality == m.name for d in m.datasets)
        assert all(i.modality == m.name for i in m.models)
        assert m.section or m.page, f"{m.name} has neither a Datasets section nor a page"
