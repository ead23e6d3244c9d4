"""Saving and loading classifiers: ``model.json`` (the model card's data), ``weights.npz``
(plain arrays, no pickle) and a readable ``MODEL_CARD.md``.

Format 2 (this version) adds the design state (per-language means, n-gram columns and IDF), the
unsure threshold and the rule settings. Format 1 models (embeddings only) still load: they
code as they did, with no centring, n-grams or rules.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from nlp_jtbd import __version__
from nlp_jtbd.classify.design import UtteranceDesign
from nlp_jtbd.classify.features import Layout
from nlp_jtbd.classify.linear import CalibratedLinear
from nlp_jtbd.classify.model import UtteranceClassifier
from nlp_jtbd.classify.ngrams import SCRIPT_GROUPS
from nlp_jtbd.codebook import Codebook, CodedExamples, load_codebook
from nlp_jtbd.embed.distributed import embedder_for
from nlp_jtbd.errors import UsageError

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
MODELS = Path(__file__).resolve().parents[2] / "models"
DEFAULT_MODEL_NAME = "jtbd5"


def training_data_hash(examples: CodedExamples) -> str:
    """sha256 over the (text, context, label) rows in a canonical order."""
    rows = sorted(zip(examples.texts, examples.contexts, examples.labels, strict=True))
    digest = hashlib.sha256()
    for row in rows:
        digest.update("\x1f".join(row).encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def training_summary(examples: CodedExamples) -> dict[str, object]:
    frame = examples.frame
    return {
        "examples": len(frame),
        "data_sha256": training_data_hash(examples),
        "files": sorted(set(frame["file"])),
        "per_label": frame["label"].value_counts().sort_index().to_dict(),
        "per_language": frame["lang"].value_counts().sort_index().to_dict(),
        "with_context": int((frame["context"] != "").sum()),
    }


def save_classifier(
    classifier: UtteranceClassifier,
    directory: str | Path,
    *,
    training: dict[str, object],
    metrics: dict[str, object] | None = None,
) -> Path:
    classifier._check_fitted()
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    state = classifier.linear_.get_state()
    state.update({f"design_{k}": v for k, v in classifier.design_.get_state().items()})
    np.savez_compressed(path / "weights.npz", **state)
    card = {
        "format_version": FORMAT_VERSION,
        "nlp_jtbd_version": __version__,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "codebook": {"id": classifier.codebook_.id, "version": classifier.codebook_.version},
        "classes": classifier.classes_,
        "embedding": {"model": classifier.model, "key": classifier.embedder_key_},
        "params": {
            "context_weight": classifier.context_weight,
            "C": classifier.C,
            "ngram_weight": classifier.ngram_weight,
            "ngram_min_df": classifier.design_.min_df,
            "ngram_columns": len(classifier.design_.ngram_columns_),
            "context_dropout": classifier.context_dropout,
            "fragment_words": classifier.fragment_words,
            "fallback_label": classifier.fallback_label_,
            "unsure_accuracy": classifier.unsure_accuracy,
            "unsure_below": classifier.linear_.unsure_below_,
            "codebook_examples": classifier.codebook_examples_used_,
            "random_state": classifier.random_state,
            "temperature": classifier.linear_.temperature_,
            "n_features": classifier.design_.n_features_in_,
        },
        "training": training,
        "metrics": metrics or {},
    }
    (path / "model.json").write_text(json.dumps(card, ensure_ascii=False, indent=2), "utf-8")
    (path / "MODEL_CARD.md").write_text(render_card(card), "utf-8")
    return path


def resolve_model_path(model: str | Path | None) -> Path:
    """A model folder, or the name of a model shipped in ``models/`` (default ``jtbd5``)."""
    if model is None:
        model = DEFAULT_MODEL_NAME
    path = Path(model)
    if (path / "model.json").exists():
        return path
    if (MODELS / str(model) / "model.json").exists():
        return MODELS / str(model)
    shipped = sorted(p.parent.name for p in MODELS.glob("*/model.json"))
    raise UsageError(
        f"no trained model at '{model}' (no model.json)",
        fix="train one and save it with save_classifier (`jtbd train`), or use a shipped model: "
        + (", ".join(shipped) or "(none installed)"),
    )


def load_classifier(
    model: str | Path | None = None,
    *,
    codebook: str | Codebook | None = None,
    cache_dir: str | Path | None = None,
    scheduler: str | None = None,
) -> UtteranceClassifier:
    """Load a trained classifier and check it still matches its codebook and embedding model
    (with ``scheduler``, embedding runs on that Dask cluster)."""
    path = resolve_model_path(model)
    card = json.loads((path / "model.json").read_text("utf-8"))
    if card.get("format_version") not in READABLE_FORMATS:
        raise UsageError(
            f"{path} is in model format {card.get('format_version')}; this nlp_jtbd reads "
            f"formats {', '.join(map(str, READABLE_FORMATS))}",
            fix="retrain it with `jtbd train`",
        )
    trained = f"{card['codebook']['id']}@{card['codebook']['version']}"
    if codebook is not None:
        book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        if book.id != card["codebook"]["id"]:
            raise UsageError(
                f"the model at {path} codes with codebook {trained}, not {book.ref}",
                fix=f"use a model trained on {book.id}, or leave out `codebook`",
            )
    else:
        try:
            book = load_codebook(card["codebook"]["id"])
        except UsageError:
            book = None
    if book is not None and book.version != card["codebook"]["version"]:
        raise UsageError(
            f"the model at {path} was trained with codebook {trained}, but the codebook "
            f"installed is {book.ref}",
            fix="retrain the model on examples coded with this codebook version, or install the "
            "codebook version it needs",
        )
    embedder = embedder_for(card["embedding"]["model"], scheduler)
    if embedder.key != card["embedding"]["key"]:
        raise UsageError(
            f"the model at {path} was trained on embeddings '{card['embedding']['key']}' but "
            f"this installation provides '{embedder.key}'",
            fix="install the embedding model version it was trained with, or retrain it",
        )
    params = card["params"]
    classifier = UtteranceClassifier(
        book or card["codebook"]["id"],
        card["embedding"]["model"],
        context_weight=params["context_weight"],
        C=params["C"],
        ngram_weight=params.get("ngram_weight", 0.0),
        context_dropout=params.get("context_dropout", 0.0),
        fragment_words=params.get("fragment_words", 0),
        unsure_accuracy=params.get("unsure_accuracy", 0.6),
        codebook_examples=params.get("codebook_examples", False),
        random_state=params["random_state"],
        cache_dir=cache_dir,
    )
    with np.load(path / "weights.npz") as arrays:
        state = dict(arrays)
    classifier.linear_ = CalibratedLinear.from_state(state)
    classifier.design_ = _design(state, params, classifier.linear_.coef_.shape[1])
    classifier.fallback_label_ = params.get("fallback_label")
    classifier.codebook_ = book
    classifier.classes_ = list(card["classes"])
    classifier.embedder_key_ = embedder.key
    classifier.featurizer._embedder = embedder
    classifier.card_ = card
    classifier.path_ = path
    return classifier


def _design(state: dict[str, np.ndarray], params: dict, coef_columns: int) -> UtteranceDesign:
    """The saved design; for a format 1 model (embeddings only) one that passes them through
    uncentred, so it codes as it did."""
    design = {k.removeprefix("design_"): v for k, v in state.items() if k.startswith("design_")}
    if design:
        return UtteranceDesign.from_state(design, params["ngram_weight"], params["n_features"])
    dim = coef_columns // 2
    zeros = np.zeros((len(SCRIPT_GROUPS), dim), dtype=np.float32)
    empty = {"text_means": zeros, "context_means": zeros, "ngram_columns": [], "idf": []}
    return UtteranceDesign.from_state(empty, 0.0, Layout(dim).columns)


def _metric_rows(metrics: dict[str, object]) -> list[str]:
    lines = ["| slice | n | macro-F1 | accuracy | kappa |", "|---|---:|---:|---:|---:|"]
    for name, report in metrics.items():
        if isinstance(report, dict) and "macro_f1" in report:
            lines.append(
                f"| {name} | {report['n']} | {report['macro_f1']:.3f} | "
                f"{report['accuracy']:.3f} | {report['kappa']:.3f} |"
            )
    return lines


def _design_lines(params: dict) -> list[str]:
    """The model card's lines on centring, n-grams, context dropout, rules and ``unsure``."""
    if "ngram_weight" not in params:
        return []
    lines = [
        "- Embeddings centred per language (en / ru / tr by script) on the training set's means"
    ]
    if params["ngram_weight"]:
        lines.append(
            f"- Character 2-5-grams: TF-IDF over {params['ngram_columns']:,} n-grams seen in at "
            f"least {params['ngram_min_df']} training texts, block weight {params['ngram_weight']}"
        )
    if params["context_dropout"]:
        lines.append(
            f"- Context dropout: {params['context_dropout']:.0%} of the training rows with "
            "context are added again with the context blanked"
        )
    if params["fragment_words"] and params.get("fallback_label"):
        lines.append(
            f"- Rule (coding guide §7 rule 5): utterances of at most {params['fragment_words']} "
            f"words (fillers not counted) are `{params['fallback_label']}` (`coder` "
            "`rule:fragment` in predictions)"
        )
    lines.append(
        f"- `unsure` when the confidence is below {params['unsure_below']:.3f}: where the "
        f"cross-validated predictions on the training data are right less than "
        f"{params['unsure_accuracy']:.0%} of the time (isotonic fit)"
    )
    return lines


def render_card(card: dict) -> str:
    """The human-readable model card."""
    training = card["training"]
    lines = [
        f"# Model card: {card['codebook']['id']} classifier",
        "",
        f"- Codebook: `{card['codebook']['id']}` version {card['codebook']['version']}",
        f"- Labels: {', '.join(card['classes'])}",
        f"- Embeddings: `{card['embedding']['model']}` (`{card['embedding']['key']}`), text and "
        f"interviewer context embedded separately (context weight "
        f"{card['params']['context_weight']})",
        *_design_lines(card["params"]),
        f"- Classifier: multinomial logistic regression (C={card['params']['C']}, balanced "
        f"class weights), temperature-calibrated (T={card['params']['temperature']:.3f})"
        + (
            "; the codebook's own examples are added to the training data"
            if card["params"].get("codebook_examples")
            else ""
        ),
        f"- Trained: {card['created']} with nlp_jtbd {card['nlp_jtbd_version']}",
        f"- Training data: {training['examples']} examples ({training.get('with_context', 0)} "
        f"with context) from {', '.join(training['files'])}; sha256 "
        f"`{training['data_sha256']}`",
        f"- Per label: {', '.join(f'{k} {v}' for k, v in training['per_label'].items())}",
        f"- Per language: {', '.join(f'{k} {v}' for k, v in training['per_language'].items())}",
        *([f"- Retrain: `{training['command']}`"] if training.get("command") else []),
        "",
    ]
    metrics = card.get("metrics") or {}
    for title, block in metrics.items():
        if not isinstance(block, dict):
            continue
        lines += [f"## {block.get('title', title)}", ""]
        if block.get("description"):
            lines += [block["description"], ""]
        lines += _metric_rows(block.get("slices", {}))
        overall = block.get("slices", {}).get("all")
        if overall and overall.get("per_label"):
            lines += [
                "",
                "| label | precision | recall | F1 | support |",
                "|---|---:|---:|---:|---:|",
            ]
            for name, row in overall["per_label"].items():
                lines.append(
                    f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | "
                    f"{row['f1']:.3f} | {row['support']} |"
                )
        lines.append("")
    return "\n".join(lines)
