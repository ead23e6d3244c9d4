"""Peak memory of this process, as the per-stage figures in ``summary.json`` report it."""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux: ``VmHWM`` of this program's own address space. ``ru_maxrss`` would be wrong for a
    process started by a large parent: Linux carries the parent's resident size at fork over
    into the child's ``ru_maxrss`` across exec. Elsewhere: ``ru_maxrss``.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    scale = 2**20 if sys.platform == "darwin" else 2**10  # bytes on macOS, else KiB
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1)
