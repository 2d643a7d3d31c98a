"""`Link` headers (RFC 8288) on paginated REST lists: `rel="next"` and `rel="prev"` name the
neighbouring pages, so that a client follows them without building URLs itself."""

from contextvars import ContextVar
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.kit.pagination import Page

# The listing a request's page parameters came with: set by the page dependency, read when
# the route turns its page into the answer (both run in the request's task).
_listing: ContextVar[tuple[Request, Response] | None] = ContextVar("listing", default=None)


def remember_listing(request: Request, response: Response) -> None:
    _listing.set((request, response))


def page_links(request: Request, page: Page[Any]) -> str | None:
    links = []
    if page.next_offset is not None:
        url = request.url.include_query_params(limit=page.limit, offset=page.next_offset)
        links.append(f'<{url}>; rel="next"')
    if page.offset > 0:
        previous = max(page.offset - page.limit, 0)
        url = request.url.include_query_params(limit=page.limit, offset=previous)
        links.append(f'<{url}>; rel="prev"')
    return ", ".join(links) or None


def link_listing(page: Page[Any]) -> None:
    """Set the Link header of the current listing's answer, if the request is one."""
    listing = _listing.get()
    if listing is None:
        return
    request, response = listing
    if (links := page_links(request, page)) is not None:
        response.headers["Link"] = links
