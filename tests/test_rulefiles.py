"""The rule loader rejects what YAML would silently accept, and reports every problem with its file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import RuleFileError
from pipeline.rulefiles import load_rules


def write(d: Path, name: str, body: str) -> None:
    (d / name).write_text(body, encoding="utf-8")


def test_duplicate_keys_are_an_error_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path, "fragments.yaml", "SCALE: [triệu]\nSCALE: [tỷ]\n")
    with pytest.raises(RuleFileError) as e:
        load_rules(tmp_path)
    assert "fragments.yaml" in str(e.value)
    assert "duplicate key 'SCALE'" in str(e.value)


def test_all_problems_are_collected_before_raising(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "x: [1, 2\n")
    write(tmp_path, "b.yaml", "k: 1\nk: 2\n")
    with pytest.raises(RuleFileError) as e:
        load_rules(tmp_path)
    assert len(e.value.problems) == 2
    assert any("a.yaml" in p for p in e.value.problems)
    assert any("b.yaml" in p for p in e.value.problems)


def test_fragments_expand_recursively_and_word_lists_become_alternations(tmp_path: Path) -> None:
    write(tmp_path, "fragments.yaml", "SCALE: [tỷ, nghìn tỷ, triệu]\nNUM: '\\d+'\nAMOUNT: '{NUM}\\s*{SCALE}'\n")
    rs = load_rules(tmp_path)
    pat = rs.compile("{AMOUNT}")
    m = pat.search("chi 2 nghìn tỷ đồng")
    assert m is not None and m.group(0) == "2 nghìn tỷ"
    assert rs.compile(r"\d{3}").fullmatch("123")  # quantifiers are not fragment references


def test_unknown_and_cyclic_fragments_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "fragments.yaml", "A: '{B}'\nB: '{A}'\nC: '{NOPE}'\n")
    with pytest.raises(RuleFileError) as e:
        load_rules(tmp_path)
    text = str(e.value)
    assert "A -> B -> A" in text
    assert "unknown fragment {NOPE}" in text


def test_version_changes_when_a_rule_file_changes(tmp_path: Path) -> None:
    write(tmp_path, "fragments.yaml", "A: 'x'\n")
    v1 = load_rules(tmp_path).version
    write(tmp_path, "fragments.yaml", "A: 'y'\n")
    assert load_rules(tmp_path).version != v1


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="does not exist"):
        load_rules(tmp_path / "nope")
