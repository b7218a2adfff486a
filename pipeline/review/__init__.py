"""Review: the editors' web app over a run's output folder, its decisions database, the export and report.html.

* ``server.serve(out_dir, host, port)``: ``vnclaims review OUT`` (pages in ``app.ReviewApp``);
* ``db``: decisions in ``OUT/review.sqlite``, keyed by ``flag_id``, kept across re-runs;
* ``app.export_csv(out_dir, dest)``: ``vnclaims review OUT --export FILE``;
* ``report.write_report(out_dir)``: the static ``OUT/report.html`` the runner writes after each run.
"""
