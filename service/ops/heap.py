"""The garbage collector of a serving process, settled once start-up is done.

Everything made while starting (the schema, the routes, the modules: ~350,000 objects)
lives as long as the process; left in the collector's oldest generation, each full
collection walks all of it and stalls every request in flight for tens to hundreds of
milliseconds (measured: 150-350 ms under load), which showed as the nested query's p99.
Frozen, a full collection walks only what requests made since. The youngest generation
keeps Python's threshold: larger ones were measured to give fewer but longer pauses.
"""

import gc

from service.config import Settings


def settle(settings: Settings) -> None:
    if not settings.gc_freeze:
        return
    gc.collect()
    gc.freeze()
