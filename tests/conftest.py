"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (dev by default; CI uses ci)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Verbosity, settings

# No profile times a test: the machines are shared, and speed is measured in
# benchmarks/run.py as a ratio beside its floor, not by a deadline.
_UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

settings.register_profile("dev", max_examples=60, **_UNTIMED)
settings.register_profile("ci", max_examples=200, print_blob=True, **_UNTIMED)
settings.register_profile("debug", max_examples=10, verbosity=Verbosity.verbose, **_UNTIMED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
