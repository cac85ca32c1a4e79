"""Imported by the forkserver before it forks the NLP worker processes of `--jobs N`
(pipeline.parallel.start_nlp_server): the default pipeline, loaded once there, comes to every
worker forked from it, so N workers cost one load of the model instead of N (about 1.8 CPU
s each).

A worker built with another vocabulary or scorer loads its own as before. A failure to
load is left for the workers to meet and report with its cause: the server must start
whatever happens. Ctrl-C is ignored here, in the server, and so in every worker forked
from it (the server's children get its handlers from before it ran): the build process
handles it and stops its pools, and a worker waiting for its next batch would otherwise
print a KeyboardInterrupt traceback. `gc.freeze()` keeps the loaded objects out of the
workers' garbage collections, which would otherwise touch, and so copy, their shared pages.
"""

import gc
import json
import os
import signal

from pipeline.nlp.loading import shared_nlp
from pipeline.parallel import SERVER_ENV_SAVED, put_environment


def _restore_environment() -> None:
    """The variables start_nlp_server set to start this server, back as they were, so
    that the workers forked from it see the build's own environment."""
    saved = os.environ.pop(SERVER_ENV_SAVED, None)
    put_environment(json.loads(saved) if saved else {})


_restore_environment()
signal.signal(signal.SIGINT, signal.SIG_IGN)
try:
    shared_nlp()
except Exception:  # noqa: BLE001, S110 - the worker's own load reports it with its cause
    pass
gc.freeze()
