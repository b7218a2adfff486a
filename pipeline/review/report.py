"""``write_report(out_dir)``: a static ``out_dir/report.html`` summarising a run (no server needed).

Claims by kind, checks by status, flags by rule and severity with inline SVG bar charts (no
script, no CDN: the file opens anywhere), and every flag with its highlighted sentence, linked
from the tables. Decisions already taken in the review app are shown when review.sqlite exists.
All article text goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from pipeline.model import KINDS, SEVERITIES
from pipeline.output import atomic_open
from pipeline.review import db as decisions_db
from pipeline.review.app import STATIC_DIR, Row, environment
from pipeline.review.data import read_outputs

REPORT_NAME = "report.html"
BAR_HEIGHT = 22
LABEL_WIDTH = 220
CHART_WIDTH = 420


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[tuple[str, int], ...]  # (css class, count)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.segments)


@dataclass(frozen=True, slots=True)
class Chart:
    """A horizontal (stacked) bar chart; the template draws it as SVG."""

    bars: tuple[Bar, ...]
    legend: tuple[str, ...] = ()

    @property
    def height(self) -> int:
        return BAR_HEIGHT * len(self.bars) + (BAR_HEIGHT if self.legend else 0) + 4

    @property
    def scale(self) -> float:
        top = max((b.total for b in self.bars), default=0)
        return CHART_WIDTH / top if top else 0.0

    def rects(self, bar: Bar) -> list[tuple[str, float, float, int]]:
        """(class, x, width, count) of each segment of a bar."""
        out, x = [], float(LABEL_WIDTH)
        for cls, n in bar.segments:
            w = n * self.scale
            out.append((cls, round(x, 2), round(w, 2), n))
            x += w
        return out


def _decisions(out_dir: Path) -> dict[str, decisions_db.Decision]:
    """Decisions taken so far in the review app; read-only (the database is never created here)."""
    path = out_dir / decisions_db.DB_NAME
    if not path.is_file():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=decisions_db.BUSY_TIMEOUT_S)
    try:
        return decisions_db.all_decisions(conn)
    except sqlite3.DatabaseError:  # an older or damaged review database must not stop a run
        return {}
    finally:
        conn.close()


def write_report(out_dir: Path | str) -> Path:
    """Write ``out_dir/report.html`` from the run's tables (atomically); returns its path."""
    out_dir = Path(out_dir)
    o = read_outputs(out_dir)
    decided = _decisions(out_dir)
    kinds = Counter(c.kind for c in o.claims.values())
    kind_order = [k for k in KINDS if k in kinds] + sorted(k for k in kinds if k not in KINDS)
    severities = [s for s in SEVERITIES if any(f.severity == s for f in o.flags)]
    severities += sorted({f.severity for f in o.flags} - set(severities))
    by_rule: dict[str, Counter[str]] = {}
    for f in o.flags:
        by_rule.setdefault(f.rule, Counter())[f.severity] += 1
    rules = sorted(by_rule, key=lambda r: (-sum(by_rule[r].values()), r))
    statuses = Counter(c.status for c in o.checks.values())
    flags = sorted(o.flags, key=lambda f: (f.rule, f.doc_id, f.flag_id))
    rule_anchor = {r: f"rule-{i}" for i, r in enumerate(rules)}

    def sev_class(s: str) -> str:
        return f"sev-{s}" if s in SEVERITIES else "sev-other"

    charts = {
        "kinds": Chart(tuple(Bar(k, ((f"kind-{k}" if k in KINDS else "kind-other", kinds[k]),)) for k in kind_order)),
        "rules": Chart(
            tuple(Bar(r, tuple((sev_class(s), by_rule[r][s]) for s in severities if by_rule[r][s])) for r in rules),
            legend=tuple(severities),
        ),
    }
    env = environment()
    html = env.get_template("report.html").render(
        out_dir=str(out_dir),
        css=Markup((STATIC_DIR / "review.css").read_text(encoding="utf-8")),  # our own file, not article text
        outputs=o,
        n_docs=len(set(o.claims_by_doc) | {f.doc_id for f in o.flags if f.doc_id != "*"}),
        n_claims=len(o.claims),
        kinds=kinds,
        kind_order=kind_order,
        statuses=statuses,
        severities=severities,
        by_rule=by_rule,
        rules=rules,
        rule_anchor=rule_anchor,
        flags=[Row(f, False, decided.get(f.flag_id)) for f in flags],
        charts=charts,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        chart_width=CHART_WIDTH,
        sev_class=sev_class,
    )
    path = out_dir / REPORT_NAME
    with atomic_open(path) as fh:
        fh.write(html)
    return path
