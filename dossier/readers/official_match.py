"""How alike a row's text is to an indicator's: the likeness the official reader matches questions by."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from dossier.readers.safety import text


@lru_cache(maxsize=4096)
def words(value) -> str:
    """Text as compared: case-folded, punctuation dropped, spaces collapsed, leading bullets gone."""
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", text(value).casefold()).split())


@lru_cache(maxsize=65536)
def alike(a: str, b: str) -> float:
    """How alike two normalised texts are, 0-1; below 0.3 only an upper bound (never a match)."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    quick = matcher.quick_ratio()
    return quick if quick < 0.3 else matcher.ratio()
