"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (dev by default; CI uses ci)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Verbosity, settings

# No profile times a test: the machines are shared, and speed is measured in
# benchmarks/run.py as a ratio beside its floor, not by a deadline.
_UNTIMED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# dev keeps the default run under a minute on two cores; ci is the thorough one.
settings.register_profile("dev", _UNTIMED, max_examples=40, stateful_step_count=25)
settings.register_profile("ci", _UNTIMED, max_examples=200, print_blob=True)
settings.register_profile("debug", _UNTIMED, max_examples=10, verbosity=Verbosity.verbose)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
