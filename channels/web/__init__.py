"""The web chat page (H5): ``channels.web.router.build_router``."""

from channels.web.router import CHANNEL, build_router

__all__ = ["CHANNEL", "build_router"]
