"""ReportLab's C accelerators are installed and used (pinned in requirements/prod.in): without them ReportLab falls
back to pure Python silently and the register PDF of a season takes about 25 % longer (docs/performance.md)."""

import types

from reportlab.lib import rl_accel


def test_reportlab_uses_its_c_accelerators():
    # The pure-Python fallbacks are Python functions; the accelerated ones are built-ins of the `rl_accel` package.
    assert isinstance(rl_accel.fp_str, types.BuiltinFunctionType)
    assert isinstance(rl_accel.escapePDF, types.BuiltinFunctionType)
