"""Imported by the forkserver before it forks the NLP worker processes of `--jobs N`
(pipeline.parallel.local_runner): the default pipeline, loaded once there, comes to every
worker forked from it, so N workers cost one load of the model instead of N (about 1.8 CPU
s each).

A worker built with another vocabulary or scorer loads its own as before. A failure here
is left for the workers to meet and report: the forkserver must start whatever happens.
"""

from pipeline.nlp.loading import shared_nlp

try:
    shared_nlp()
except Exception:  # noqa: BLE001, S110 - the worker's own load reports it with its cause
    pass
