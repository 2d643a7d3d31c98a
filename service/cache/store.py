"""The in-process response store: least recently used first out, bounded by bytes."""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from service.cache import encoding

# What an entry costs besides its bodies (key, headers, bookkeeping), roughly.
ENTRY_OVERHEAD = 512


@dataclass
class Entry:
    """A 200 answer as the app gave it, and what the access log needs to record a hit."""

    body: bytes
    # the app's own headers, lower-case names, without content-length
    headers: list[tuple[bytes, bytes]]
    etag: str
    # the route's own (the figure's revision tag): the route answers If-None-Match itself
    own_etag: bool
    # scope entries the app's routing set (route, path parameters, …) and request state
    # (the GraphQL call), restored on a hit
    scope: dict[str, Any]
    state: dict[str, Any]
    # compressed bodies by coding, made once, when a caller first accepts them
    variants: dict[str, bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return ENTRY_OVERHEAD + len(self.body) + sum(len(v) for v in self.variants.values())

    def encoded(self, coding: str) -> bytes:
        if coding == encoding.IDENTITY:
            return self.body
        if coding not in self.variants:
            self.variants[coding] = encoding.compress(self.body, coding)
        return self.variants[coding]


class ResponseStore:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: Hashable, entry: Entry) -> None:
        if entry.size > self.max_bytes:
            return  # would push out everything else
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._entries[key] = entry
        self.bytes += entry.size
        self._evict()

    def variant(self, key: Hashable, entry: Entry, coding: str) -> bytes:
        """The entry's body in `coding`, compressed once and kept (and counted)."""
        known = coding == encoding.IDENTITY or coding in entry.variants
        body = entry.encoded(coding)
        if not known and self._entries.get(key) is entry:
            self.bytes += len(body)
            self._evict()
        return body

    def _evict(self) -> None:
        while self.bytes > self.max_bytes and self._entries:
            _, entry = self._entries.popitem(last=False)
            self.bytes -= entry.size
