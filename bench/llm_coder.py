"""Benchmark: the language-model coder on jtbd_dev, alone and as a second opinion on the
codes the shipped classifier is unsure of, against the human codes; and its speed.

Needs an OpenAI-compatible server (Ollama, llama.cpp's server, vLLM, ``transformers serve``):

    .venv/bin/python bench/llm_coder.py --llm-url http://127.0.0.1:11434 --llm-model qwen2.5:7b \
        --sample 120 --record

Without ``--llm-url`` it starts the test server of tests/llm_server.py (Gemma 3 270M, a base
model: a floor, not a fair reading of what a capable model does). The sample is stratified by
label and language (seeded), so small samples keep every label.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _datasets import DATA
from _record import record_block

from nlp_jtbd.classify import load_classifier
from nlp_jtbd.classify.metrics import agreement, classification_report
from nlp_jtbd.codebook import load_codebook
from nlp_jtbd.llm import LLMCoder, second_opinion

REPO = Path(__file__).resolve().parents[1]
JTBD_DEV = DATA / "jtbd_dev" / "jtbd_dev.csv"


def sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """About ``n`` rows, the same share of each label × language cell as the whole set."""
    if n >= len(frame):
        return frame.reset_index(drop=True)
    share = n / len(frame)
    parts = [
        cell.sample(max(1, round(len(cell) * share)), random_state=seed)
        for _, cell in frame.groupby(["label", "lang"])
    ]
    return pd.concat(parts).sample(frac=1, random_state=seed).reset_index(drop=True)


def server(args: argparse.Namespace) -> tuple[str, str, object]:
    if args.llm_url:
        return args.llm_url, args.llm_model, None
    sys.path.insert(0, str(REPO / "tests"))
    import api_server
    import llm_server

    folder = llm_server.model_folder()
    port = api_server.free_port()
    process = llm_server.start(folder, port, Path("/tmp/bench_llm_server.log"))
    return f"http://127.0.0.1:{port}", str(folder), process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-url")
    parser.add_argument("--llm-model", default="")
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--examples-per-label", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()

    book = load_codebook("jtbd5")
    dev = sample(pd.read_csv(JTBD_DEV, dtype=str, keep_default_na=False), args.sample, args.seed)
    url, model, process = server(args)
    try:
        classifier = load_classifier("jtbd5")
        evidence = dev.rename(columns={"id": "utterance_id"})
        coding = classifier.decide(evidence["text"].tolist(), evidence["context"].tolist())
        fast = pd.DataFrame(
            {
                "utterance_id": evidence["utterance_id"],
                "label": [classifier.classes_[i] for i in coding.probs.argmax(axis=1)],
                "unsure": coding.unsure,
                "coder": np.where(coding.rule == "", "model", "rule:fragment"),
            }
        )
        coder = LLMCoder(
            url,
            model,
            "jtbd5",
            examples_per_label=args.examples_per_label,
            concurrency=args.concurrency,
            llm_timeout=600,
        )
        started = time.perf_counter()
        alone, audit_all = second_opinion(fast, evidence, coder, mode="all")
        seconds = time.perf_counter() - started
        unsure, audit_unsure = second_opinion(fast, evidence, coder, mode="unsure")
    finally:
        if process is not None:
            process.kill()
    truth = dev["label"].tolist()
    rows = {
        "classifier alone": fast["label"].tolist(),
        "language model alone": alone["label"].tolist(),
        "classifier + language model on unsure codes": unsure["label"].tolist(),
    }
    lines = [
        f"Server: `{url if args.llm_url else 'transformers serve (tests/llm_server.py)'}`, model "
        f"`{Path(model).name if not args.llm_url else model}`; jtbd_dev sample of {len(dev)} "
        f"utterances (stratified by label × language, seed {args.seed}), with context; "
        f"{args.examples_per_label} codebook examples per label in the prompt.",
        "",
        "| coder | macro-F1 | accuracy | kappa vs human |",
        "|---|---:|---:|---:|",
    ]
    for name, predicted in rows.items():
        report = classification_report(truth, predicted, book.names)
        lines.append(
            f"| {name} | {report['macro_f1']:.3f} | {report['accuracy']:.3f} | "
            f"{report['kappa']:.3f} |"
        )
    between = agreement(fast["label"].tolist(), alone["label"].tolist(), book.names)
    asked = max(audit_all["asked"], 1)
    lines += [
        "",
        f"Language model vs classifier: κ {between['kappa']:.3f}. Answers that named a label: "
        f"{audit_all['named_a_label']} of {audit_all['asked']} (the others keep the classifier's "
        f"code). Unsure codes asked: {audit_unsure['asked']}, changed "
        f"{audit_unsure['changed']}. Speed: {asked / seconds:.2f} utterances/s "
        f"({seconds / asked:.1f} s each, concurrency {args.concurrency}) on 2 shared CPU cores.",
    ]
    table = "\n".join(lines)
    print(table)
    if args.record:
        record_block("llm_coder", table)


if __name__ == "__main__":
    main()
