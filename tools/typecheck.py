#!/usr/bin/env python3
"""Type-check the package and the tools with mypy, as they are installed.

The import package ``imm_emulator`` is assembled from several folders (``emulator/``,
``pytest_plugin/``, see ``package-dir`` in pyproject.toml), which an editable install maps with an
import hook that mypy cannot follow. So this script lays the package out as a tree of links under
``build/typecheck/``, runs mypy on it and on ``tools/``, and prints mypy's findings with the paths of
the real files.

    python tools/typecheck.py [MYPY ARGS...]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = ROOT / "build" / "typecheck"


def link_tree() -> Path:
    """build/typecheck/<package path>/<entry> -> the real entry, for every Python package of package-dir."""
    package_dirs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    shutil.rmtree(TREE, ignore_errors=True)
    for package, folder in sorted(package_dirs.items()):
        source = ROOT / folder
        if not (source / "__init__.py").is_file():
            continue  # data-only packages (schemas, fixtures)
        target = TREE.joinpath(*package.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for entry in source.iterdir():
            if entry.name != "__pycache__" and not (target / entry.name).exists():
                (target / entry.name).symlink_to(entry)
    return TREE / "imm_emulator"


def main(argv: list[str]) -> int:
    package = link_tree()
    env = {**os.environ, "MYPYPATH": str(TREE)}
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *argv]
    result = subprocess.run(
        [*command, str(package.relative_to(ROOT)), "tools"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    tree_path = re.compile(r"^(build/typecheck/[^:]+)")
    for line in result.stdout.splitlines():
        print(tree_path.sub(lambda m: os.path.relpath(os.path.realpath(ROOT / m.group(1)), ROOT), line))
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
