"""Coded errors, shown to users as ``[E001] …``; findings about articles are data, not exceptions."""

from __future__ import annotations


class _Coded(str):
    code: str

    def __new__(cls, code: str, template: str) -> _Coded:
        obj = super().__new__(cls, f"[{code}] {template}")
        obj.code = code
        return obj


class Errors:
    E001 = _Coded("E001", "{path}: not valid YAML: {problem}")
    E002 = _Coded("E002", "{path}: rule file is missing or empty")
    E003 = _Coded("E003", "{path}: {where}: {problem}")
    E004 = _Coded("E004", "{where}: unknown fragment {{{name}}}")
    E005 = _Coded("E005", "{where}: fragment references itself: {cycle}")
    E006 = _Coded("E006", "rules folder {path} does not exist")
    E010 = _Coded("E010", "{path}: cannot read: {problem}")
    E011 = _Coded("E011", "{path}: not text: {problem}")
    E012 = _Coded("E012", "{path}: empty file")
    E013 = _Coded("E013", "{path}: unsupported file type {suffix}")
    E014 = _Coded("E014", "{path}: too large to read ({size} bytes; the limit is {limit}: max_bytes in ingest.yaml)")
    E015 = _Coded("E015", "{path}: unknown text encoding: {problem}")
    E016 = _Coded("E016", "{path}: damaged or unreadable {kind}: {problem}")
    E017 = _Coded("E017", "{path}: no text found: {problem}")
    E018 = _Coded("E018", "{path}: not valid JSON: {problem}")
    E019 = _Coded("E019", "{path}: {where}: {problem}")
    E020 = _Coded("E020", "input folder {path} does not exist")
    E021 = _Coded("E021", "no readable article under {path}")
    E030 = _Coded("E030", "{path}: not a vnclaims output folder (no claims.csv)")
    E040 = _Coded("E040", "--engine dask needs the dask extra (pip install 'vnclaims[dask]'): {problem}")
    E041 = _Coded("E041", "unknown {what} {value!r} (choose from {choices})")
    E042 = _Coded("E042", "{path}: another vnclaims run is writing to this output folder")


class VnclaimsError(Exception):
    """Base of the errors the CLI turns into a message and an exit status."""


class RuleFileError(VnclaimsError):
    """Every problem found in the rule files, by file and location."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class InputError(VnclaimsError):
    """A usage problem with the input (missing folder, nothing readable)."""
