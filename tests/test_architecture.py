"""The house rule: subpackages follow the data's way and imports point one way, down the chain.

The import graph is read from the source with ``ast`` (function-level imports included,
``if TYPE_CHECKING:`` blocks excluded), so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"

# Lowest first: a module may import from its own layer or from layers below it.
LAYERS = ["io", "config", "calibration", "model", "engines", "run", "analysis", "report"]
FRONT_DOOR = {
    "__init__",
    "__main__",
    "cli",
    "command_line",
    "compose",
    "config_files",
    "config_search",
    "crm_commands",
    "decision_overrides",
    "command_folders",
    "hydra_callbacks",
    "job",
    "kept_runs",
    "resume_commands",
    "scenario_layers",
    "subcommands",
    "sweep_job_words",
    "sweep_stops",
    "mapping_overrides",
    "notebook_loader",
    "override_shapes",
    "refusal_second_look",
    "user_overrides",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, type_checking: bool = False) -> set[str]:
    """Every salesim module ``path`` imports, at any depth, outside ``if TYPE_CHECKING`` blocks (unless asked)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node) and not type_checking:
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("simulator"))
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("simulator")
        ):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _exists(candidate) else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").exists() or (PACKAGE.parent / relative).is_dir()


def import_graph(type_checking: bool = False) -> dict[str, set[str]]:
    """Module -> the salesim modules it imports (with ``type_checking``, imports made for types only too)."""
    return {_module_name(path): _imports(path, type_checking) for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    """Index of a module's layer in :data:`LAYERS`; the front door sits above them all."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in FRONT_DOOR:
        return len(LAYERS)
    return LAYERS.index(parts[1])


def test_every_module_lives_in_a_layer_or_is_the_front_door() -> None:
    for path in PACKAGE.glob("*.py"):
        assert path.stem in FRONT_DOOR, f"{path.name} sits directly in simulator/: move it into a subpackage"
    for path in PACKAGE.iterdir():
        if path.is_dir() and not path.name.startswith("_") and path.name != "__pycache__":
            assert path.name in LAYERS, f"subpackage {path.name} is not in the layer list {LAYERS}"


def test_imports_point_down_the_chain() -> None:
    upward = [
        f"{module} ({LAYERS[layer_of(module)] if layer_of(module) < len(LAYERS) else 'front door'}) imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if layer_of(target) > layer_of(module)
    ]
    assert not upward, "imports that point up the chain:\n" + "\n".join(upward)


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    # A package's __init__ is imported with each of its modules; count only explicit edges.
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := walk(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := walk(module)):
            return cycle
    return None


def test_no_import_cycles() -> None:
    graph = {module: {t for t in targets if t != module} for module, targets in import_graph().items()}
    if cycle := _find_cycle(graph):
        pytest.fail("import cycle: " + " -> ".join(cycle))


ENGINES = ("simulator.engines.simpy", "simulator.engines.fast")


def _engine_of(module: str) -> str | None:
    return next((e for e in ENGINES if module == e or module.startswith(e + ".")), None)


def test_engines_are_siblings_without_circles() -> None:
    """Each engine reads the model alone: neither imports the other, and neither has a circle inside,
    not even through imports made for type annotations only (a shared floor gets its own module)."""
    graph = import_graph(type_checking=True)
    across = [
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if _engine_of(module) and _engine_of(target) and _engine_of(module) != _engine_of(target)
    ]
    assert not across, "one engine imports the other:\n" + "\n".join(across)
    inside = {
        module: {t for t in targets if t != module and _engine_of(t) == _engine_of(module) and t not in ENGINES}
        for module, targets in graph.items()
        if _engine_of(module)
    }
    if cycle := _find_cycle(inside):
        pytest.fail("import cycle inside an engine: " + " -> ".join(cycle))


def test_no_subpackage_has_a_circle_inside_even_for_types() -> None:
    """A module split in two had left each half naming the other (calibration's mapping and its gaps, for a type):
    the style allows no circle inside a subpackage, through imports made for annotations only too."""
    graph = import_graph(type_checking=True)

    def package(module: str) -> str:
        return module.rsplit(".", 1)[0]

    inside = {
        module: {t for t in targets if t != module and package(t) == package(module)}
        for module, targets in graph.items()
    }
    if cycle := _find_cycle(inside):
        pytest.fail("import cycle inside a subpackage: " + " -> ".join(cycle))


def test_the_graph_reader_sees_lazy_imports_and_skips_type_checking(tmp_path: Path) -> None:
    """The reader must count function-level imports, or the rule could be dodged."""
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from simulator.report import plots\n"
        "def f():\n    from simulator.model import sampling\n"
    )
    assert _imports(source) == {"simulator.model.sampling"}


HEAVY = ("pandas", "numba", "simpy", "scipy.stats", "matplotlib")
"""What a refused config or ``--help`` never loads: the tables, the engines, the statistics and the plots."""


def test_the_command_line_starts_without_the_tables_engines_statistics_or_plots() -> None:
    """A refused config needs none of :data:`HEAVY`: they are loaded to run, not to refuse.

    ``scipy.stats`` at the top of the analysis modules had made ``salesim runs=-1`` take
    3.1 s to refuse, 2.2 s without (measured 2026-12-06). pandas and numba, loaded through
    constants kept beside the engines, the results store and the analysis (the engine
    names, the store's file names, the Dask log's name, the pooled attainment's KPI
    name), took 2.5 s a refusal against 1.75 s without them (0.69, 4 alternated pairs,
    2026-12-06); those constants now live in modules of their own.
    """
    import subprocess
    import sys

    code = f"import sys, simulator.cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]", shown.stdout + shown.stderr


def test_a_refused_config_loads_none_of_the_heavy_modules(tmp_path: Path) -> None:
    """Through the whole refusal: Hydra's composition, the checks, the output folder's."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-X", "importtime", "-m", "simulator", "org.teams.full_cycle.headcount=-2", "runs=2"]
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert loaded & set(HEAVY) == set(), sorted(loaded & set(HEAVY))
    assert "org.teams.full_cycle.headcount = -2" in done.stderr


def _heavy_loaded(args: list[str], cwd: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The :data:`HEAVY` modules ``salesim ARGS`` loads (read from ``-X importtime``), and the finished process."""
    import os
    import sys

    command = [sys.executable, "-X", "importtime", "-m", "simulator", *args]
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return loaded & set(HEAVY), done


# One refusal of each command, decided before anything runs, and the words naming what was refused: each goes as
# far through the command's checks as a refusal can (the config composed, the output folder checked, ...).
COMMAND_REFUSALS = {
    "warmup": (["--years", "20", "clock.start_date=9980-01-04"], "clock.start_date = 9980-01-04: with --years 20"),
    "sensitivity": (["--scenario", "nope", "--out", "study"], "--scenario = 'nope'"),
    "optimise": (["--team", "full_cycle=4:6", "--runs", "-1", "--out", "search"], "--runs = -1: must be"),
    "calibrate": (["mapping.yaml", "--as-of", "2017-09-30", "--out", "company", "--runs", "0"], "--runs 0"),
    "backtest": (
        ["missing.yaml", "--as-of", "2017-06-30", "--until", "2017-12-31", "--out", "bt"],
        "missing.yaml: mapping file not found",
    ),
}


@pytest.mark.parametrize("command", sorted(COMMAND_REFUSALS))
def test_a_commands_help_loads_none_of_the_heavy_modules(command: str, tmp_path: Path) -> None:
    """``salesim sensitivity --help`` had taken 2.0-2.5 s, loading the tables, the engines and the plots to print."""
    heavy, done = _heavy_loaded([command, "--help"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"salesim {command}" in done.stdout
    assert heavy == set(), sorted(heavy)


@pytest.mark.parametrize("command", sorted(COMMAND_REFUSALS))
def test_a_commands_refusal_loads_none_of_the_heavy_modules(command: str, tmp_path: Path) -> None:
    """A refused option, override, mapping file or output folder is told before the tables or engines are loaded."""
    args, said = COMMAND_REFUSALS[command]
    heavy, done = _heavy_loaded([command, *args], tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    assert said in done.stderr, done.stderr[-2000:]
    assert heavy == set(), sorted(heavy)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written
