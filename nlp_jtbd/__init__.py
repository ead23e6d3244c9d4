"""nlp_jtbd: Jobs-To-Be-Done evidence from customer interviews, reviews and forum posts."""

from nlp_jtbd.errors import JTBDError

__version__ = "0.1.0"
__all__ = ["JTBDError", "__version__"]
