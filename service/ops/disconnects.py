"""A client that leaves mid-request: how the server and the framework report it."""

from starlette.requests import ClientDisconnect
from uvicorn.protocols.utils import ClientDisconnected

# Starlette's, reading a body or streaming an answer; uvicorn's, sending to a closed socket.
DISCONNECTS: tuple[type[BaseException], ...] = (ClientDisconnect, ClientDisconnected)

# The status logged for it (nginx's "client closed request"): nothing was answered.
CLIENT_CLOSED = 499
