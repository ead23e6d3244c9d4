"""HTTP service (FastAPI). Built in a later issue; see the README roadmap."""
