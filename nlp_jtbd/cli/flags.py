"""Library parameters as command-line flags in messages.

Library errors name parameters in backticks (```include_interviewer=True```, see
:mod:`nlp_jtbd.errors`); the command line shows them as the flags that set them
(``--include-interviewer``). The names are learned from the registered commands' options;
``ALIASES`` covers parameters whose flag is spelled differently.
"""

from __future__ import annotations

from nlp_jtbd.errors import parameters_in

# Library parameter → flag, where the flag is not the parameter's name in kebab case.
ALIASES = {
    "interviewers": "--interviewer",
    "market_cols": "--market-col",
    "n_clusters": "--clusters",
    "segments": "--clusters",
    "random_state": "--seed",
    "q_max": "--q",
}
_known: dict[str, str] = {}


def learn(command: object) -> None:
    """Remember the flag of every option of a click ``command`` and its subcommands
    (duck-typed: Typer ships its own copy of click)."""
    commands = getattr(command, "commands", None)
    for sub in commands.values() if commands else [command]:
        for param in getattr(sub, "params", ()):
            if getattr(param, "param_type_name", "") == "option" and param.name:
                longest = max(param.opts, key=len)
                _known.setdefault(param.name, longest)
                _known.setdefault(longest.lstrip("-").replace("-", "_"), longest)


def flag_for(name: str) -> str | None:
    """The flag that sets library parameter ``name``, if the command line has one."""
    if name in ALIASES:
        return ALIASES[name]
    return _known.get(name)


def to_flags(text: str) -> str:
    """``text`` with parameter mentions written as flags (``--flag VALUE``)."""

    def rename(name: str, value: str | None) -> str | None:
        flag = flag_for(name)
        if flag is None:
            return None
        if value is None or value == "True":
            return flag
        if value == "False":
            return f"--no-{flag[2:]}"
        return f"{flag} {value}"

    return parameters_in(text, rename)


__all__ = ["ALIASES", "flag_for", "learn", "to_flags"]
