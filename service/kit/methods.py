"""What a 405 says in Allow: every method some route serves at the path, not only those of
the first route that matched it (Starlette's answer), as RFC 9110 asks."""

from starlette.requests import Request
from starlette.routing import Match

# Asked of the routes one by one: FastAPI nests included routers in routes of its own,
# which answer `matches` but do not list their methods.
_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    routes = request.app.router.routes
    methods = {
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    }
    if "GET" in methods:
        methods.add("HEAD")  # service.kit.head_requests answers it
    return ", ".join(sorted(methods))
