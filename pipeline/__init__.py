"""vnclaims: extract numeric claims from Vietnamese articles and check them against each other."""

from __future__ import annotations

__version__ = "0.1.0"
