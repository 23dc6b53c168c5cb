"""The repository keeps its own promises: CI runs the README's test command, the version is defined
once, and nothing the package, tools or tests need lives outside the checkout."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import imm_emulator

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block, "the README starts with a bash block of set-up commands"
    return [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_exactly() -> None:
    serve, test = readme_commands()[:2]
    assert serve.endswith("imm-emulator serve") and test.endswith("python3 -m pytest")
    assert "-c requirements/lock.txt" in test and (ROOT / "requirements" / "lock.txt").is_file()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert any(line == test or line.startswith(test + " ||") for line in ci), ci


def test_the_lock_pins_every_dependency_of_the_test_extra() -> None:
    pinned = {
        re.split(r"[=; ]", line, maxsplit=1)[0].lower().replace("_", "-")
        for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines()
        if line and not line.startswith((" ", "#"))
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        spec for extra, specs in project["optional-dependencies"].items() for spec in specs
    ]
    names = {re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in wanted}
    assert names - {"imm-emulator"} <= pinned, sorted(names - pinned)


def test_the_version_is_defined_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert importlib.metadata.version("imm-emulator") == imm_emulator.__version__
    assert f"## [{imm_emulator.__version__}]" in (ROOT / "CHANGELOG.md").read_text()


def test_nothing_points_outside_the_checkout() -> None:
    """Code, tools and tests read only what the repository holds (the design notes beside a
    development checkout are not shipped)."""
    outside = re.compile(
        r"\.\./shared|\bshared/reference|reference/[\w-]+\.md|sdk-wire|imm-api\.md|media\.md\b"
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("emulator", "pytest_plugin", "tools", "tests", "bench", "examples", ".ci")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file()
        and path.suffix in {".py", ".sh", ".json", ".md", ".toml", ""}
        and path.name != "imm-2020-09-30-api-docs.json"
        and path != Path(__file__)
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if outside.search(line) or 'parent / "shared"' in line or '"shared" / "reference"' in line
    ]
    assert offenders == []
