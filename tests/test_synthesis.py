"""Synthesis: coded utterances become candidate jobs, triggers and barriers, named in the
customers' words and counted by customers.

The planted corpus (tests/data/synthesis/planted.csv) has 18 customers of an accounting tool
who state three main jobs, three triggers and three barriers, each in their own words, in
English, Russian and Turkish, plus fillers that were coded as something. Embeddings are
real (USE)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import planted_statements
from sklearn.metrics import adjusted_rand_score

from nlp_jtbd.cross import cross_analysis
from nlp_jtbd.errors import UsageError
from nlp_jtbd.synthesis import CANDIDATE_COLUMNS, Members, Synthesis, clean_phrase, parse_links


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, np.ndarray]:
    frame, vectors = planted_statements(tmp_path_factory.mktemp("synthesis-cache"))
    frame["coder"] = "model"
    return frame, vectors


@pytest.fixture(scope="module")
def fitted(planted: tuple[pd.DataFrame, np.ndarray]) -> Synthesis:
    frame, vectors = planted
    return Synthesis(random_state=0).fit(frame, vectors)


def joined(frame: pd.DataFrame, model: Synthesis) -> pd.DataFrame:
    return frame.merge(model.assignments_, on=["utterance_id", "category"])


def test_candidates_recover_the_planted_items_of_each_category(
    planted: tuple[pd.DataFrame, np.ndarray], fitted: Synthesis
) -> None:
    frame, _ = planted
    rows = joined(frame, fitted)
    rows = rows[rows["item"] != "filler"]
    for category, group in rows.groupby("category"):
        found = [c or f"left-{i}" for i, c in enumerate(group["candidate_id"])]
        assert adjusted_rand_score(group["item"], found) >= 0.75, category
    candidates = fitted.candidates_
    assert candidates.groupby("category").size().to_dict() == {
        "main_job": 3,
        "trigger": 3,
        "barrier": 3,
    }


def test_the_same_statement_in_three_languages_is_one_candidate(
    planted: tuple[pd.DataFrame, np.ndarray], fitted: Synthesis
) -> None:
    rows = joined(planted[0], fitted)
    barriers = rows[(rows["category"] == "barrier") & (rows["item"] != "filler")]
    for item, group in barriers.groupby("item"):
        top = group["candidate_id"].value_counts()
        assert top.iloc[0] >= 5, item  # five of six statements together
        together = group[group["candidate_id"] == top.index[0]]
        assert set(together["lang"]) == {"en", "ru", "tr"}, item
    languages = fitted.candidates_.set_index("candidate_id")["languages"]
    assert all(set(value.split(";")) == {"en", "ru", "tr"} for value in languages)


def test_fillers_form_no_candidate_and_every_coded_utterance_is_counted(
    planted: tuple[pd.DataFrame, np.ndarray], fitted: Synthesis
) -> None:
    rows = joined(planted[0], fitted)
    assert (rows.loc[rows["item"] == "filler", "candidate_id"] == "").all()
    coverage = fitted.coverage_
    assert coverage["barrier"]["without_content"] == 3  # "Um, yeah.", «Понятно.», "Evet, tabii."
    for category, counts in coverage.items():
        coded = int((planted[0]["category"] == category).sum())
        assert counts["coded"] == coded
        assert (
            counts["without_content"] + counts["in_candidates"] + counts["in_no_candidate"] == coded
        )


def test_candidates_are_named_in_the_members_words_and_numbered_by_customers(
    planted: tuple[pd.DataFrame, np.ndarray], fitted: Synthesis
) -> None:
    frame, _ = planted
    candidates = fitted.candidates_
    assert list(candidates.columns[: len(CANDIDATE_COLUMNS)]) == CANDIDATE_COLUMNS
    texts = " ".join(frame["text"]).lower()
    for row in candidates.itertuples():
        words = row.name.split()
        assert 3 <= len(words) <= 20 and "·" not in row.name
        assert row.name.lower() in texts  # extractive: the customers' own words
    for _, group in candidates.groupby("category", sort=False):
        assert group["customers"].is_monotonic_decreasing
        numbers = group["candidate_id"].str.rsplit("-", n=1).str[-1].astype(int)
        assert numbers.tolist() == list(range(1, len(group) + 1))
    customer_of = frame.set_index("utterance_id")["customer_id"]
    for quote_ids in candidates["quote_ids"]:
        ids = quote_ids.split(";")
        assert len(ids) == 3 and customer_of[ids].nunique() == 3  # three different customers


def test_a_talkative_customer_counts_once(planted: tuple[pd.DataFrame, np.ndarray]) -> None:
    frame, vectors = planted
    first = frame.index[(frame["item"] == "price")][0]
    again = frame.loc[[first]].assign(utterance_id="u-again")  # says it twice
    more = pd.concat([frame, again], ignore_index=True)
    model = Synthesis().fit(more, np.vstack([vectors, vectors[[first]]]))
    price = model.assignments_.set_index("utterance_id").loc["u-again", "candidate_id"]
    row = model.candidates_.set_index("candidate_id").loc[price]
    assert (row["customers"], row["utterances"]) == (6, 7)


def test_each_job_lists_the_triggers_and_barriers_of_its_customers(fitted: Synthesis) -> None:
    candidates = fitted.candidates_.set_index("candidate_id")
    for job in candidates.index[candidates["category"] == "main_job"]:
        triggers = parse_links(candidates.loc[job, "triggers"])
        # a job's customers split two by two over the three planted triggers (planted.csv), and
        # each customer states one trigger: the links count the job's customers once each
        assert len(triggers) == 3 and all(n <= 2 for _, n in triggers)
        assert sum(n for _, n in triggers) == candidates.loc[job, "customers"]
        assert {cid.split("-")[0] for cid, _ in triggers} == {"trigger"}
    assert (candidates.loc[candidates["category"] != "main_job", "triggers"] == "").all()


def test_max_candidates_merges_the_closest_down_to_the_cap(
    planted: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, vectors = planted
    model = Synthesis(max_candidates=2).fit(frame, vectors)
    assert model.candidates_.groupby("category").size().max() == 2
    with pytest.raises(UsageError, match="`max_candidates` must be at least 1"):
        Synthesis(max_candidates=0).fit(frame, vectors)


class FirstWordsNamer:
    """A namer of our own: a plug-in as a language-model namer would be."""

    def name(self, members: Members) -> str:
        return f"{members.category}: " + " ".join(members.texts[0].split()[:4])


def test_the_namer_is_swappable(planted: tuple[pd.DataFrame, np.ndarray]) -> None:
    frame, vectors = planted
    model = Synthesis(namer=FirstWordsNamer()).fit(frame, vectors)
    for row in model.candidates_.itertuples():
        assert row.name.startswith(f"{row.category}: ")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Um, so, I mean, we needed to get invoices paid on time without chasing clients.",
         "We needed to get invoices paid on time without chasing clients"),
        ("Ну, честно говоря, мы просто хотели, чтобы клиенты не звонили нам по ночам.",
         "Мы просто хотели, чтобы клиенты не звонили нам по ночам"),
        ("Yani şey, kargo soran müşterilere gece ikiye kadar cevap yazıyordum.",
         "Kargo soran müşterilere gece ikiye kadar cevap yazıyordum"),
        ("Для нашего объёма (500 заказов в месяц) разница в цене не окупилась.",
         "Для нашего объёма разница в цене не окупилась"),
        ("We cancelled, i.e. we stopped paying for the second seat.",
         "We cancelled, i.e. we stopped paying for the second seat"),
        ("The cascade (WhatsApp, then SMS, then email) is exactly what we needed after our SMS "
         "provider went down on a Friday evening and nobody got their order confirmations.",
         "The cascade is exactly what we needed"),
    ],
)  # fmt: skip
def test_names_are_cleaned_of_fillers_and_cut_at_a_clause(text: str, name: str) -> None:
    assert clean_phrase(text) == name


def test_segments_are_crossed_with_candidates_and_findings_name_them(
    planted: tuple[pd.DataFrame, np.ndarray], fitted: Synthesis
) -> None:
    frame, _ = planted
    codes = frame[["utterance_id", "category"]].rename(columns={"category": "label"})
    codes = codes.merge(fitted.assignments_, left_on=["utterance_id", "label"],
                        right_on=["utterance_id", "category"]).drop(columns="category")  # fmt: skip
    codes["confidence"] = 0.9
    tax = set(frame.loc[frame["item"] == "tax", "customer_id"])  # planted: segment A files taxes
    segments = pd.DataFrame(
        {
            "customer_id": sorted(frame["customer_id"].unique()),
            "segment": ["A" if c in tax else "B" for c in sorted(frame["customer_id"].unique())],
        }
    )
    result = cross_analysis(
        segments, frame.drop(columns=["category"]), codes=codes, candidates=fitted.candidates_
    )
    assert "candidate" in result.tables and "cluster" not in result.tables
    findings = result.findings
    top = findings[(findings["segment"] == "A") & (findings["dimension"] == "candidate")].iloc[0]
    job = fitted.assignments_.set_index("utterance_id").loc[
        frame.loc[frame["item"] == "tax", "utterance_id"].iloc[0], "candidate_id"
    ]
    assert (
        top["item"] == job
        and top["item_name"] == fitted.candidates_.set_index("candidate_id").loc[job, "name"]
    )
    assert top["lift"] >= 1.5 and top["q_value"] < 0.05
    assert top["statement"].startswith(f"Segment A is driven by '{top['item_name']}'")
    quotes = [q for ids in findings["quote_ids"] for q in ids.split()]
    assert len(quotes) == len(set(quotes))  # no quote twice
    # the JTBD segment of the job is the same finding again: in its table, not listed twice
    cells = set(zip(findings["segment"], findings["item"], findings["dimension"], strict=True))
    assert ("A", job, "candidate") in cells and ("A", job, "jtbd_segment") not in cells
    table = result.tables["jtbd_segment"]
    again = table[(table["segment"] == "A") & (table["item"] == job)].iloc[0]
    assert again["q_value"] < 0.05  # significant on its own, yet not a second finding
    profiles = result.profiles.set_index("customer_id")
    assert (profiles.loc[sorted(tax), "jtbd_segment"] == job).all()


def test_large_categories_are_grouped_through_micro_clusters_alike(
    planted: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, vectors = planted
    # above `max_points` utterances, k-means condenses a category into micro-clusters first
    condensed = Synthesis(max_points=10, micro_clusters=9, random_state=1).fit(frame, vectors)
    rows = joined(frame, condensed)
    rows = rows[rows["item"] != "filler"]
    scores = [
        adjusted_rand_score(
            group["item"], [c or f"left-{i}" for i, c in enumerate(group["candidate_id"])]
        )
        for _, group in rows.groupby("category")
    ]
    assert np.mean(scores) >= 0.75
    again = Synthesis(max_points=10, micro_clusters=9, random_state=1).fit(frame, vectors)
    assert again.candidates_.equals(condensed.candidates_)  # deterministic given random_state
