"""``--engine dask`` on a LocalCluster gives the same bytes as the local run; rules travel with the job."""

from __future__ import annotations

import shutil

import pytest
import test_runner_fake as fake

from pipeline.parallel import RulesRef, resolve_rules
from pipeline.rulefiles import load_rules
from pipeline.runner import run

distributed = pytest.importorskip("distributed")


@pytest.fixture(autouse=True)
def _fake_extractor(monkeypatch):
    import pipeline.api

    monkeypatch.setattr(pipeline.api, "find_claims", fake.fake_find_claims)
    monkeypatch.setattr(pipeline.api, "attribute_claims", fake.fake_attribute_claims)


def test_dask_engine_matches_the_local_run(tmp_path):
    corpus = tmp_path / "corpus"
    fake.make_corpus(corpus, 40)
    (corpus / "a" / "hỏng.txt").write_bytes(b" \n")  # empty: unreadable
    rules = fake.minimal_rules(tmp_path / "rules")
    local = run(corpus, tmp_path / "local", rules, progress=False, workers=1, checks=False)
    # In-process workers (threads) keep the test fast and see the patched extractor.
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c,
        distributed.Client(c),
    ):
        remote = run(
            corpus, tmp_path / "dask", rules, progress=False, engine="dask", scheduler=c.scheduler_address, checks=False
        )
    for name in ("claims.csv", "errors.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert (remote.documents, remote.claims, remote.errors) == (local.documents, local.claims, 1)
    assert remote.extracted == 41


def test_workers_without_the_rules_folder_use_the_shipped_rule_files(tmp_path):
    src = fake.minimal_rules(tmp_path / "rules")
    (src / "units.yaml").write_text("units: [kg, tấn]\n", encoding="utf-8")
    ref = RulesRef.of(load_rules(src), with_files=True)
    shutil.rmtree(src)  # as on a cluster node that never had them
    rs = resolve_rules(ref)
    assert rs.version == ref.version
    assert rs.get("units") == {"units": ["kg", "tấn"]}


@pytest.mark.slow
def test_dask_worker_processes_without_the_rules_folder(tmp_path):
    """Separate worker processes: tasks, results and the shipped rule files all cross a process boundary."""
    corpus = tmp_path / "corpus"
    fake.make_corpus(corpus, 12)
    rules = fake.minimal_rules(tmp_path / "rules")
    local = run(corpus, tmp_path / "local", rules, progress=False, workers=1, checks=False)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        distributed.Client(c) as client,
    ):
        client.upload_file(fake.__file__)  # the workers get the stand-in extractor …
        client.run(lambda: __import__("test_runner_fake").install())

        def hide_rules():  # … and do not see the rules folder, as on another machine
            import pipeline.rulefiles

            def refuse(directory=None):
                raise AssertionError("worker read the rules folder")

            pipeline.rulefiles.cached_rules = refuse
            __import__("pipeline.parallel").parallel.cached_rules = refuse

        client.run(hide_rules)
        remote = run(
            corpus, tmp_path / "dask", rules, progress=False, engine="dask", scheduler=c.scheduler_address, checks=False
        )
    assert (tmp_path / "dask" / "claims.csv").read_bytes() == (tmp_path / "local" / "claims.csv").read_bytes()
    assert remote.claims == local.claims > 0
