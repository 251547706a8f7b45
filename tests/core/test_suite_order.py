"""The tests the suite hands out first under xdist (tests/conftest.py, LONG_FIRST) still exist: a renamed one would
silently fall back into the queue's order."""

import importlib

from ..conftest import LONG_FIRST


def test_each_long_test_handed_out_first_still_exists():
    missing = []
    for nodeid in LONG_FIRST:
        path, name = nodeid.split("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        if not callable(getattr(module, name.split("[")[0], None)):
            missing.append(nodeid)
    assert missing == []
