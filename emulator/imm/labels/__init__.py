"""Video labels: the bundled taxonomy, the deterministic labeler and test overrides.

Public API (see each module): ``check_labelable``/``is_labelable`` (formats), ``derive_labels``
(labeler), ``resolve_labels``/``parse_label_file`` (overrides), ``load_taxonomy`` (taxonomy).
"""

from .formats import check_labelable, is_labelable
from .labeler import derive_labels
from .overrides import parse_label_file, resolve_labels
from .taxonomy import Taxonomy, TaxonomyError, load_taxonomy

__all__ = [
    "Taxonomy",
    "TaxonomyError",
    "check_labelable",
    "derive_labels",
    "is_labelable",
    "load_taxonomy",
    "parse_label_file",
    "resolve_labels",
]
