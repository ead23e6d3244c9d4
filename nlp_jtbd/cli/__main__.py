"""``python -m nlp_jtbd.cli``."""

from nlp_jtbd.cli.commands import main

main()
