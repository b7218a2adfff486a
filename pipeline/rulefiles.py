"""Load the declarative rules in ``rules/``: strict YAML, named regex fragments, one version hash.

Rules are data. Each YAML file in ``rules/`` is read with duplicate keys rejected (YAML silently
keeps the last one otherwise), and every problem in every file is collected before one
``RuleFileError`` is raised, so a user editing rules sees all their mistakes at once.

Regex patterns may reference fragments from ``rules/fragments.yaml`` as ``{NAME}`` (upper-case
names, so ``{3}`` quantifiers are untouched). A fragment is either a pattern string or a list of
words, which becomes an alternation (longest first, escaped). Unknown and cyclic references are
errors.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import regex
import yaml
from pydantic import BaseModel, ValidationError

from pipeline.errors import Errors, RuleFileError

REF = regex.compile(r"(?<!\\[pP])\{([A-Z][A-Z0-9_]*)\}")  # not a Unicode class \p{L}
M = TypeVar("M", bound=BaseModel)


def default_rules_dir() -> Path:
    env = os.environ.get("VNCLAIMS_RULES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "rules"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_strict(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=_StrictLoader)
    except yaml.YAMLError as e:
        raise RuleFileError([Errors.E001.format(path=path, problem=str(e).replace("\n", " "))]) from e


@dataclass
class RuleSet:
    """Every rule file, parsed, with fragment expansion and a version over their bytes."""

    directory: Path
    files: dict[str, Any]  # file stem -> parsed YAML
    version: str
    fragments: dict[str, str] = field(default_factory=dict)
    _compiled: dict[tuple[str, int], regex.Pattern[str]] = field(default_factory=dict, repr=False)

    def get(self, name: str, default: Any = None) -> Any:
        return self.files.get(name, default)

    def expand(self, pattern: str, where: str = "") -> str:
        """Replace ``{NAME}`` fragment references, recursively."""
        return _expand(pattern, self.fragments, where, ())

    def compile(self, pattern: str, flags: int = regex.IGNORECASE | regex.V1, where: str = "") -> regex.Pattern[str]:
        key = (pattern, flags)
        hit = self._compiled.get(key)
        if hit is None:
            try:
                hit = regex.compile(self.expand(pattern, where), flags)
            except regex.error as e:
                raise RuleFileError([f"{where or 'rules'}: bad regex {pattern!r}: {e}"]) from e
            self._compiled[key] = hit
        return hit

    def validate(self, name: str, model: type[M]) -> M:
        """Validate one rule file against a pydantic model (``extra="forbid"`` recommended)."""
        return validate_file(self.directory / f"{name}.yaml", self.files.get(name), model)

    @cached_property
    def word_lists(self) -> dict[str, list[str]]:
        raw = self.files.get("fragments") or {}
        return {k: list(v) for k, v in raw.items() if isinstance(v, list)}


def validate_file(path: Path, data: Any, model: type[M]) -> M:
    if data is None:
        raise RuleFileError([Errors.E002.format(path=path)])
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = [
            Errors.E003.format(path=path, where=".".join(str(p) for p in err["loc"]), problem=err["msg"])
            for err in e.errors()
        ]
        raise RuleFileError(problems) from e


def fragment_source(value: Any) -> str:
    """The regex a fragment value stands for (a word list becomes an alternation, longest first)."""
    return _fragment_source(value)


def expand_pattern(pattern: str, fragments: dict[str, str], where: str = "") -> str:
    """Replace ``{NAME}`` references from ``fragments`` (sources as ``fragment_source`` gives them)."""
    return _expand(pattern, fragments, where, ())


def _fragment_source(value: Any) -> str:
    if isinstance(value, list):
        words = sorted({str(w) for w in value}, key=lambda w: (-len(w), w))
        return "(?:" + "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"
    return "(?:" + str(value) + ")"


def _expand(pattern: str, fragments: dict[str, str], where: str, stack: tuple[str, ...]) -> str:
    def sub(m: regex.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise RuleFileError([Errors.E004.format(where=where or "rules", name=name)])
        if name in stack:
            raise RuleFileError([Errors.E005.format(where=where or "rules", cycle=" -> ".join((*stack, name)))])
        return _expand(fragments[name], fragments, where, (*stack, name))

    return REF.sub(sub, pattern)


def load_rules(directory: Path | str | None = None) -> RuleSet:
    """Read every ``*.yaml`` in the rules folder; raise one RuleFileError listing all problems."""
    d = Path(directory) if directory is not None else default_rules_dir()
    if not d.is_dir():
        raise RuleFileError([Errors.E006.format(path=d)])
    problems: list[str] = []
    files: dict[str, Any] = {}
    digest = hashlib.sha256()
    for path in sorted(d.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        try:
            files[path.stem] = load_yaml_strict(path)
        except RuleFileError as e:
            problems.extend(e.problems)
    if problems:
        raise RuleFileError(problems)
    raw = files.get("fragments") or {}
    if not isinstance(raw, dict):
        raise RuleFileError([Errors.E003.format(path=d / "fragments.yaml", where="", problem="expected a mapping")])
    fragments = {str(k): _fragment_source(v) for k, v in raw.items()}
    rs = RuleSet(directory=d, files=files, version=digest.hexdigest()[:16], fragments=fragments)
    for name in fragments:  # fail early on unknown or cyclic references
        try:
            rs.expand("{" + name + "}", where=f"{d / 'fragments.yaml'}: {name}")
        except RuleFileError as e:
            problems.extend(e.problems)
    if problems:
        raise RuleFileError(problems)
    return rs


_CACHE: dict[tuple[str, str], RuleSet] = {}


def cached_rules(directory: Path | str | None = None) -> RuleSet:
    """One RuleSet per folder and version per process (workers reuse it across documents)."""
    d = Path(directory) if directory is not None else default_rules_dir()
    stamp = ";".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in sorted(d.glob("*.yaml"))) if d.is_dir() else ""
    key = (str(d.resolve()) if d.exists() else str(d), stamp)
    if key not in _CACHE:
        _CACHE[key] = load_rules(d)
    return _CACHE[key]


Loader = Callable[[Path | str | None], RuleSet]
