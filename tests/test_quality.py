"""Code quality gates run by the test command: ruff and mypy clean, no Hydra in the library."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.scenarios import ROOT


def tool(name: str) -> str:
    found = shutil.which(name, path=str(ROOT / ".venv" / "bin")) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def test_ruff_is_clean() -> None:
    command = [tool("ruff"), "check", "simulator", "tests", "benchmarks"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    command = [sys.executable, "-m", "mypy", "simulator", "benchmarks"]  # the benchmarks too: they run the library
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


HYDRA_MODULES = {
    "cli.py",
    "command_line.py",
    "compose.py",
    "scenario_layers.py",
    "config_files.py",
    "job.py",
    "hydra_callbacks.py",
    "user_overrides.py",
    "override_shapes.py",
    "refusal_second_look.py",
    "notebook_loader.py",
    "__main__.py",
}


def test_library_never_imports_hydra_outside_the_entry_point() -> None:
    for path in sorted((ROOT / "simulator").glob("*.py")):
        if path.name in HYDRA_MODULES:
            continue
        text = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+(hydra|omegaconf)\b", text, re.MULTILINE), path.name


def test_no_global_rng_seeding() -> None:
    pattern = re.compile(r"np\.random\.seed\(|random\.seed\(|np\.random\.(rand|randn|normal|uniform)\(")
    for folder in ("simulator", "benchmarks"):
        for path in sorted((ROOT / folder).glob("*.py")):
            assert not pattern.search(path.read_text()), path


def test_every_yaml_key_has_a_comment() -> None:
    for path in sorted((ROOT / "configs").rglob("*.yaml")) + sorted((ROOT / "experiments").glob("*.yaml")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or (stripped.startswith("- ") and ":" not in stripped):
                continue
            if re.match(r"^[\w@/.-]+:", stripped) or stripped.startswith("- "):
                assert "#" in stripped, f"{path.relative_to(ROOT)}:{number}: {stripped}"
