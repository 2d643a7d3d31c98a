"""OpenAPI operation ids that a generated client can use as method names.

FastAPI's default joins the handler's name, path and method
(`get_figure_api_v1_regions__code__figures__year___indicator__get`); clients generated
from it get those names. The handler's own name, in camelCase, is what people type:
`listFigures`, `getRegion`. A name that does not start with a verb reads as a getter
(`region_tree` → `getRegionTree`)."""

from fastapi.routing import APIRoute

_VERBS = frozenset(
    {"get", "list", "add", "put", "report", "record", "move", "assign", "upload", "lookup"}
    | {"export", "find", "delete", "create", "update"}
)


def operation_id(route: APIRoute) -> str:
    words = route.name.split("_")
    if words[0] not in _VERBS:
        words.insert(0, "get")
    return words[0] + "".join(w.capitalize() for w in words[1:])
