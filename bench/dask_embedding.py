"""Benchmark: embedding throughput on a Dask LocalCluster, 1 vs 2 single-threaded workers.

Both clusters run in this invocation on the same machine; each worker loads the model before
the clock starts (one warm-up batch). The texts are the same 20,000 banking77/CLINC150 queries
as bench/scale.py's corpus (no cache), cut into the batches a local run would use. The results
of both runs are compared with each other and with a local single-threaded run.

Usage: .venv/bin/python bench/dask_embedding.py [--texts 20000] [--record]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _record import record_block
from scale import labelled_texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    os.environ["JTBD_THREADS"] = "1"
    from distributed import LocalCluster

    from nlp_jtbd.embed import embed_texts, get_embedder
    from nlp_jtbd.embed.distributed import DaskEmbedder

    texts = [t for t, _ in labelled_texts()][: args.texts]
    results, rates = {}, {}
    for workers in (1, 2):
        with LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            embedder = DaskEmbedder("use", cluster.scheduler_address)
            embedder.client.wait_for_workers(workers)
            embed_texts(["warm up"] * 1, embedder, None)  # loads the model on a worker
            embedder.client.run(
                lambda: __import__(
                    "nlp_jtbd.embed.distributed"
                ).embed.distributed._encode_on_worker("use", ["warm up"])
            )
            started = time.perf_counter()
            vectors, _ = embed_texts(texts, embedder, None)
            rates[workers] = len(texts) / (time.perf_counter() - started)
            results[workers] = vectors
            embedder.client.close()
    started = time.perf_counter()
    local, _ = embed_texts(texts, get_embedder("use"), None)
    local_rate = len(texts) / (time.perf_counter() - started)
    same = np.array_equal(results[1], results[2]) and np.array_equal(results[1], local)
    lines = [
        f"Embedding {len(texts):,} texts with USE on a Dask LocalCluster (single-threaded "
        f"workers, this machine's 2 cores): 1 worker {rates[1]:,.0f} texts/s, 2 workers "
        f"{rates[2]:,.0f} texts/s, speed-up {rates[2] / rates[1]:.2f}×; a local single-threaded "
        f"run {local_rate:,.0f} texts/s. Vectors identical across the three runs: {same}.",
    ]
    print("\n".join(lines))
    if args.record:
        record_block("dask_embedding", "\n".join(lines))


if __name__ == "__main__":
    main()
