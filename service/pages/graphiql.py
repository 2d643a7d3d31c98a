"""GraphiQL from the package's own assets (Strawberry's page loads it from a CDN)."""

import json
from pathlib import Path
from string import Template

from fastapi import Request
from fastapi.responses import HTMLResponse

from service.pages.install import asset_url

# The README's example, opened in the first tab.
README_QUERY = """{
  region(code: "360000") {
    name
    children(level: CITY) {
      code name
      children {
        code name
        figures(year: 2024, programme: RENTAL_HOUSING) {
          items { indicator { nameZh } unit target actual completionRate }
        }
      }
    }
  }
}
"""
# Shown in the headers tab; the page does not send it until a token replaces the ellipsis.
TOKEN_HINT = "Bearer …"

_PAGE = Template((Path(__file__).resolve().parent / "graphiql.html").read_text(encoding="utf-8"))


def graphiql_page(request: Request) -> HTMLResponse:
    headers = json.dumps({"Authorization": TOKEN_HINT}, ensure_ascii=False)
    return HTMLResponse(
        _PAGE.substitute(
            graphiql=asset_url(request, "vendor/graphiql"),
            react=asset_url(request, "vendor/react/react.production.min.js"),
            react_dom=asset_url(request, "vendor/react-dom/react-dom.production.min.js"),
            query=json.dumps(README_QUERY, ensure_ascii=False),
            headers=json.dumps(headers, ensure_ascii=False),
            hint=json.dumps(TOKEN_HINT, ensure_ascii=False),
        )
    )
