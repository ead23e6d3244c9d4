"""The library names its parameters; the command line shows them as the flags that set them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from nlp_jtbd.cli import app
from nlp_jtbd.cli.flags import ALIASES, to_flags


def _all_flags() -> set[str]:
    group = typer.main.get_command(app)
    return {
        opt
        for command in group.commands.values()
        for param in command.params
        if param.param_type_name == "option"
        for opt in param.opts
    }


def test_parameters_become_flags_and_values_follow_them() -> None:
    text = (
        "lower `min_cluster_size`, or set `include_interviewer=True`; "
        "`include_interviewer=False`; `weights=ltv=3,cac=-1`; `n_clusters=5`"
    )
    assert to_flags(text) == (
        "lower --min-cluster-size, or set --include-interviewer; "
        "--no-include-interviewer; --weights ltv=3,cac=-1; --clusters 5"
    )


def test_what_is_not_a_parameter_of_the_command_line_is_left_alone() -> None:
    text = "run `jtbd analyze` first; `vectors` must match `features`"
    assert to_flags(text) == text


def test_every_alias_names_a_real_flag() -> None:
    assert set(ALIASES.values()) - _all_flags() == set()


def test_a_library_error_is_shown_with_the_flag_that_fixes_it(
    cli: Callable[..., tuple[int, str, str]], write: Callable[..., Path], tmp_path: Path
) -> None:
    rows = "text,role\n" + "".join(f"question {i}?,interviewer\n" for i in range(12))
    table = write("questions.csv", rows + "one answer,respondent\n")
    code, _, stderr = cli("discover", table, "--out", tmp_path / "out")
    assert code == 2
    assert "--include-interviewer" in stderr
    assert "`include_interviewer" not in stderr
