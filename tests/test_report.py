"""`jtbd report`: one self-contained, escaped HTML file that a real browser renders cleanly."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.report import topic_map, write_report

MAIN_SECTIONS = (
    "synthesis", "crossing", "segments", "categories", "map", "clusters", "overview",
)  # fmt: skip
EVIL = "<script>alert('pwned')</script> \"quoted\" & <img src=x onerror=\"document.title='pwned'\">"
REQUIRED = ("utterances.parquet", "clusters.csv", "assignments.csv")


@pytest.fixture(scope="module")
def analysis(bundled_analysis: Path) -> Path:
    """`jtbd analyze` on the bundled examples (shared by the test session)."""
    return bundled_analysis


def copy_analysis(source: Path, target: Path, keep: Callable[[str], bool] = lambda _: True) -> Path:
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.is_file() and keep(path.name) and path.name != "report.html":
            shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="module")
def evil(analysis: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The analysis with hostile text in quotes, labels, speakers and findings, plus forces.csv."""
    target = copy_analysis(analysis, tmp_path_factory.mktemp("evil") / "analysis")
    clusters = pd.read_csv(target / "clusters.csv")
    clusters.loc[0, "label"] = "Evil </script><!-- label " + EVIL
    clusters.loc[0, "keywords"] = "<b>kw</b>; </script>"
    clusters.to_csv(target / "clusters.csv", index=False)
    representatives = pd.read_csv(target / "representatives.csv", dtype={"utterance_id": str})
    quote_id = representatives.loc[representatives["cluster_id"] == 0, "utterance_id"].iloc[0]
    utterances = pd.read_parquet(target / "utterances.parquet")
    row = utterances["utterance_id"] == quote_id
    utterances.loc[row, "text"] = EVIL
    utterances.loc[row, "speaker"] = "<i>Speaker</i>"
    utterances.to_parquet(target / "utterances.parquet", index=False)
    predictions = pd.read_csv(target / "predictions.csv", dtype=str)
    forces = {"trigger": "push", "main_job": "pull", "big_job": "pull", "barrier": "anxiety"}
    for column in ("label", "label_2", "label_3"):
        predictions[column] = (
            predictions[column].map(lambda v: forces.get(v, v)).replace("subtask", "habit")
        )
    predictions.to_csv(target / "forces.csv", index=False)
    category = pd.read_csv(target / "cross_category.csv", dtype={"segment": str})
    best = category.sort_values("lift", ascending=False).iloc[0]
    findings = pd.DataFrame(
        [
            {
                "segment": best["segment"],
                "dimension": "category",
                "item": best["item"],
                "direction": "driven by",
                "count": best["count"],
                "segment_size": best["segment_size"],
                "share": best["row_share"],
                "lift": best["lift"],
                "p_value": 0.0001,
                "q_value": 0.004,
                "quote_ids": f"{quote_id} not-an-id",
                "quotes": "first | second quote " + EVIL,
                "statement": "Finding statement " + EVIL,
            }
        ]
    )
    findings.to_csv(target / "findings.csv", index=False)
    write_report(target)
    return target


def sections(page: str) -> set[str]:
    return set(re.findall(r'<section id="([\w-]+)"', page))


def embedded(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S
    )
    assert match, "no embedded data"
    return json.loads(match.group(1))


def test_the_report_is_one_self_contained_file(analysis: Path, tmp_path: Path) -> None:
    folder = copy_analysis(analysis, tmp_path / "analysis")  # the shared folder stays as written
    path = write_report(folder)
    assert path == folder / "report.html"
    page = path.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"<link\b[^>]*stylesheet", page, re.I)
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "@media print" in page
    assert path.stat().st_size < 2_000_000
    assert sections(page) == set(MAIN_SECTIONS)  # no forces.csv in a plain analysis
    order = [page.index(f'<section id="{s}">') for s in MAIN_SECTIONS]
    assert order == sorted(order)  # the synthesis leads; the map and the run details come after
    data = embedded(page)["map"]
    utterances = pd.read_parquet(analysis / "utterances.parquet")
    assert data["total"] == len(pd.read_csv(analysis / "map.csv")) == len(data["u"])
    assert set(data["u"]) <= set(utterances["utterance_id"])
    assert all(-1000 <= v <= 1000 for v in data["x"] + data["y"])


def test_numbers_trace_to_quotes(analysis: Path) -> None:
    page = write_report(analysis, analysis / "traced.html").read_text("utf-8")
    representatives = pd.read_csv(analysis / "representatives.csv", dtype={"utterance_id": str})
    clusters = pd.read_csv(analysis / "clusters.csv")
    biggest = int(clusters.sort_values("size", ascending=False)["cluster_id"].iloc[0])
    card = page.split(f'id="cluster-{biggest}"', 1)[1].split('<div class="card"', 1)[0]
    for uid in representatives.loc[representatives["cluster_id"] == biggest, "utterance_id"]:
        assert f"<code>{uid}</code>" in card
    assert f"{int(clusters.set_index('cluster_id').at[biggest, 'size'])} utterances" in card
    crossing = page.split('<section id="crossing">', 1)[1]
    assert "Segment × JTBD category" in crossing and "Quotes behind the cells" in crossing
    assert re.search(r"<td class=\"hc\"[^>]*title=\"[^\"]*p [\d.e-]+; q ", crossing)
    if pd.read_csv(analysis / "findings.csv").empty:  # the demo has none: say so, show hypotheses
        assert "No association reaches q &lt; 0.05" in crossing
        assert "not significant" in crossing and "<code>" in crossing


def test_user_text_is_escaped_everywhere(evil: Path) -> None:
    page = (evil / "report.html").read_text("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; &quot;quoted&quot; &amp;" in page
    assert "&lt;i&gt;Speaker&lt;/i&gt;" in page and "<i>Speaker</i>" not in page
    assert "&lt;b&gt;kw&lt;/b&gt;" in page
    assert "Finding statement &lt;script&gt;" in page
    assert page.count("<script") == 2  # the JSON data and our own script, nothing injected
    data_block = page.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "</" not in data_block and "<!--" not in data_block
    data = embedded(page)["map"]
    assert EVIL in data["t"]  # the JSON still carries the exact text, for the tooltip
    assert any(c[1].startswith("Evil </script><!--") for c in data["clusters"])


def test_sections_follow_the_files(analysis: Path, evil: Path, tmp_path: Path) -> None:
    page = (evil / "report.html").read_text("utf-8")
    assert sections(page) == {*MAIN_SECTIONS, "forces"}
    forces = page.split('<section id="forces">', 1)[1].split("</section>", 1)[0]
    for title in ("Push of the situation", "Pull of the new solution", "Anxiety", "Habit"):
        assert title in forces
    assert "Findings (1)" in page and 'class="badge">not significant' not in page

    minimal = copy_analysis(
        analysis, tmp_path / "minimal", lambda n: n in (*REQUIRED, "map.csv", "summary.json")
    )
    page = write_report(minimal).read_text("utf-8")
    assert sections(page) == {"overview", "map", "clusters"}
    assert "no predictions.csv" in page and "no segments_profiles.csv" in page

    bare = copy_analysis(analysis, tmp_path / "bare", lambda n: n in REQUIRED)
    page = write_report(bare, tmp_path / "out" / "bare.html").read_text("utf-8")
    assert sections(page) == {"overview", "clusters"}
    assert "No summary.json" in page

    no_cross = copy_analysis(
        analysis, tmp_path / "nocross", lambda n: not n.startswith(("cross_", "findings"))
    )
    page = write_report(no_cross).read_text("utf-8")
    assert sections(page) == set(MAIN_SECTIONS) - {"crossing"}


def test_the_map_is_sampled_deterministically(
    analysis: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topic_map, "MAX_POINTS", 200)
    first = copy_analysis(analysis, tmp_path / "a", lambda n: n in (*REQUIRED, "map.csv"))
    second = copy_analysis(analysis, tmp_path / "b", lambda n: n in (*REQUIRED, "map.csv"))
    shuffled = pd.read_csv(second / "map.csv").sample(frac=1.0, random_state=7)
    shuffled.to_csv(second / "map.csv", index=False)
    one = embedded(write_report(first).read_text("utf-8"))["map"]
    two = embedded(write_report(second).read_text("utf-8"))["map"]
    assert len(one["u"]) == 200 and one["total"] == len(shuffled)
    assert set(one["u"]) == set(two["u"])
    assert f"200 of {one['total']:,} utterances" in (first / "report.html").read_text("utf-8")


def test_the_cli_writes_the_report_and_names_what_is_missing(
    analysis: Path, tmp_path: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    code, stdout, stderr = cli("report", analysis, "--out", tmp_path / "r.html")
    assert code == 0, stderr
    assert (tmp_path / "r.html").exists() and "r.html" in stdout
    code, stdout, _ = cli("report", analysis, "-o", tmp_path / "q.html", "--quiet")
    assert code == 0 and stdout == "" and (tmp_path / "q.html").exists()

    code, _, stderr = cli("report", tmp_path / "nowhere")
    assert code == 2 and "does not exist" in stderr and "run the analysis" in stderr
    (tmp_path / "empty").mkdir()
    code, _, stderr = cli("report", tmp_path / "empty")
    assert code == 2, stderr
    assert "not an analysis folder: utterances.parquet, clusters.csv, assignments.csv" in stderr
    assert "How to fix: run the analysis with this folder as its output" in stderr
    code, _, stderr = cli("report", analysis, "--out", tmp_path / "report.txt")
    assert code == 2 and "does not end with .html" in stderr
    assert "Traceback" not in stderr


def test_broken_files_are_input_errors(analysis: Path, tmp_path: Path) -> None:
    broken = copy_analysis(analysis, tmp_path / "broken")
    (broken / "clusters.csv").write_text("id,what\n1,2\n", "utf-8")
    with pytest.raises(InputError, match=re.escape("clusters.csv has no column 'cluster_id'")):
        write_report(broken)
    shutil.copy(analysis / "clusters.csv", broken / "clusters.csv")
    (broken / "summary.json").write_text("{not json", "utf-8")
    with pytest.raises(InputError, match=re.escape("summary.json")):
        write_report(broken)
    (broken / "summary.json").write_text("{}", "utf-8")
    (broken / "segments.csv").write_text("", "utf-8")
    with pytest.raises(InputError, match=re.escape("segments.csv is empty")):
        write_report(broken)
    (broken / "segments.csv").unlink()
    with pytest.raises(UsageError, match=re.escape("does not end with .html")):
        write_report(broken, tmp_path / "report.pdf")
    with pytest.raises(InputError, match="is a file, not an analysis folder"):
        write_report(broken / "clusters.csv")


# ------------------------------------------------------------------ a real browser
def png_is_not_blank(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if Image is not None:
        with Image.open(path) as image:
            colors = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colors is None or len(colors) > 50, "the screenshot is (nearly) one colour"
        return
    assert len(data) > 10_000, "the screenshot is tiny"
    assert len(set(data)) > 200
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    pixels = zlib.decompress(b"".join(chunks))  # the filtered scanlines: a blank page is ~1 value
    assert len(set(pixels)) > 50, "the screenshot is (nearly) blank"


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("chromium is not installed")
    return subprocess.run(
        [binary, "--headless=new", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PROBE = """<script>
(function () {
  var canvas = document.getElementById("map-canvas"), tip = document.getElementById("map-tip");
  var box = canvas.getBoundingClientRect();
  for (var y = 0; y < box.height && tip.hidden; y += 6) {
    for (var x = 0; x < box.width && tip.hidden; x += 6) {
      canvas.dispatchEvent(new MouseEvent("mousemove", {clientX: box.left + x, clientY: box.top + y}));
    }
  }
  document.body.dataset.tip = tip.hidden ? "" : tip.textContent;
  document.querySelector("#map-legend-cluster button").click();
  document.body.dataset.focus = document.querySelectorAll("#map-legend-cluster button.on").length;
})();
</script>"""


def test_hovering_the_map_shows_a_quote(evil: Path, tmp_path: Path) -> None:
    page = (evil / "report.html").read_text("utf-8")
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)  # let PROBE run
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), "utf-8")
    run = chromium(
        "--virtual-time-budget=3000", "--window-size=1280,2000", "--dump-dom", probe.as_uri()
    )
    match = re.search(r'data-tip="([^"]+)"', run.stdout)
    assert match, "hovering the map showed no quote"
    tip = html.unescape(match.group(1))
    data = embedded(page)["map"]
    assert tip.startswith("\u201c") and any(uid in tip for uid in data["u"])
    assert 'data-focus="1"' in run.stdout  # a legend click picks out one cluster


def test_a_headless_browser_renders_it_without_errors(evil: Path, tmp_path: Path) -> None:
    url = (evil / "report.html").resolve().as_uri()
    run = chromium(
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom", url
    )
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], "\n".join(console)
    dom = run.stdout
    assert 'data-ready="1"' in dom, "the report's script did not finish"
    for section in (*MAIN_SECTIONS, "forces"):
        assert f'id="{section}"' in dom
    assert "pwned" not in dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert 'id="map-canvas"' in dom and 'style="height:' in dom  # the map script laid it out

    shot = tmp_path / "report.png"
    chromium("--window-size=1280,2000", "--virtual-time-budget=3000", f"--screenshot={shot}", url)
    assert shot.exists(), "no screenshot"
    png_is_not_blank(shot)

    pdf = tmp_path / "report.pdf"
    chromium("--virtual-time-budget=3000", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000
