"""HTTP service for research tools: projects, uploads, asynchronous analyses, stored results."""

from api.app import create_app

__all__ = ["create_app"]
