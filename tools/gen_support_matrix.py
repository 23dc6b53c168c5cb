"""Write the README's table of IMM operations (every one of the API, emulated or not) from the catalogue.

python tools/gen_support_matrix.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from imm_emulator.imm.catalog import support_matrix

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- operations:start (tools/gen_support_matrix.py) -->\n", "<!-- operations:end -->\n"


def render(readme: str) -> str:
    """``readme`` with the block between the markers replaced by the generated table."""
    head, found, rest = readme.partition(START)
    if not found or END not in rest:
        raise SystemExit(f"README.md lacks the markers {START.strip()} ... {END.strip()}")
    return head + START + support_matrix() + END + rest.partition(END)[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the README's table is stale")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if wanted != current:
            print("the README's operations table is stale: run this tool", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
