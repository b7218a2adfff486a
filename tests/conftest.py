"""Test-wide settings.

Property tests explore new random inputs on a developer's machine (that is how they find bugs), but
CI must not pass or fail by luck: with CI set, Hypothesis runs a fixed, derandomized sequence.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
