"""Discovery: embed → reduce → cluster → assign → represent."""

from nlp_jtbd.discover.assign import CentroidAssigner, Placement
from nlp_jtbd.discover.cluster import HDBSCANClusterer
from nlp_jtbd.discover.pipeline import Discovery
from nlp_jtbd.discover.reduce import UMAPReducer

__all__ = ["CentroidAssigner", "Discovery", "HDBSCANClusterer", "Placement", "UMAPReducer"]
