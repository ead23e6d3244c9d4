"""The HTTP routes, one module per resource; ``api_router`` holds them all."""

from fastapi import APIRouter

from api.routers import analyses, classify, codebooks, models, projects, system, utterances

api_router = APIRouter()
for _module in (system, projects, utterances, analyses, classify, codebooks, models):
    api_router.include_router(_module.router)

__all__ = ["api_router"]
