"""``python -m nlp_jtbd.cli``."""

from nlp_jtbd.cli.app import main

main()
