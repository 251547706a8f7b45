"""Rows of the permission matrix, one module per area: each defines ROWS = {url name: Row(...)}.

A Row's `kwargs` and `data` may be callables of the world (see `world` in test_permission_matrix.py): a row that
needs an object of its own creates it there from `w.territory`, `w.users`, etc.
"""

import importlib
import pkgutil


def all_rows() -> dict:
    rows = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        overlap = set(rows) & set(module.ROWS)
        assert not overlap, f"URL names placed twice in the matrix: {sorted(overlap)}"
        rows.update(module.ROWS)
    return rows
