"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (dev by default; CI uses ci),
and the package's bytecode compiled once for the processes the suite starts."""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, Verbosity, settings

if TYPE_CHECKING:
    import pytest

# No profile times a test: the machines are shared, and speed is measured in
# benchmarks/run.py as a ratio beside its floor, not by a deadline.
_UNTIMED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# dev keeps the default run about a minute on two cores (docs/performance.md); ci is the
# thorough one.
settings.register_profile("dev", _UNTIMED, max_examples=40, stateful_step_count=25)
settings.register_profile("ci", _UNTIMED, max_examples=200, print_blob=True)
settings.register_profile("debug", _UNTIMED, max_examples=10, verbosity=Verbosity.verbose)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

PACKAGE = Path(__file__).resolve().parents[1] / "invoicecore"

# The suite keeps its bytecode even when PYTHONDONTWRITEBYTECODE is set (as it
# is on the machines here): without it, every xdist worker rewrote and compiled
# every test module again on every run (pytest reuses its rewritten modules
# only from its cache), a third of the workers' collection time. The files go
# to the usual __pycache__ directories, which git ignores.
sys.dont_write_bytecode = False


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile ``invoicecore`` once, as pip would, for the processes the suite starts.

    An editable install leaves the package uncompiled, and the processes the
    suite starts (the command line, ports, servers) inherit the environment:
    with PYTHONDONTWRITEBYTECODE set, each compiled the whole package again, a
    third of its start-up. Python checks each file against its source, so an
    edited module is never run stale.
    """
    if not hasattr(session.config, "workerinput"):
        compileall.compile_dir(PACKAGE, quiet=1)
