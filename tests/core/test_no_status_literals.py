"""What a status allows is a model property, its colour one template tag (core/status.py): no template compares
a record's status to a literal string (docs/architecture.md §7)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "conserverie"
LITERAL = re.compile(r"""\.status\s*(==|!=)\s*["']""")


def test_no_template_compares_a_status_to_a_string():
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LITERAL.search(line)
    ]
    assert found == []
