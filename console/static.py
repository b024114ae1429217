"""The console's own CSS and JavaScript (no CDN, no build step)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from console.web import STATIC_DIR, ConsoleRoute

router = APIRouter(route_class=ConsoleRoute)

TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    path = STATIC_DIR / name
    kind = TYPES.get(path.suffix)
    if kind is None or "/" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(404, "没有这个文件")
    response = Response(path.read_bytes(), media_type=kind)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
