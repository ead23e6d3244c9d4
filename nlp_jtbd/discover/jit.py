"""Keep UMAP's numba-compiled code between processes.

UMAP compiles its layout code with numba in every new process (15–75 s on a small machine);
its functions are not marked ``cache=True``. Enabling numba's on-disk cache for them makes
every run after the first skip that compilation. Numba invalidates the cache itself when the
source or the argument types change.
"""

from __future__ import annotations

import importlib
import warnings
from functools import cache

_MODULES = ("umap.umap_", "umap.layouts", "umap.utils", "umap.distances", "umap.sparse")


@cache
def enable_umap_cache() -> int:
    """Turn on numba's file cache for UMAP's compiled functions (once); returns how many."""
    from numba.core.registry import CPUDispatcher

    count = 0
    for name in _MODULES:
        module = importlib.import_module(name)
        for attribute in vars(module).values():
            if isinstance(attribute, CPUDispatcher):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    attribute.enable_caching()
                count += 1
    return count
