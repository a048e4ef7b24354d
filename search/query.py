"""What a query string means, for every backend alike.

* Words separated by whitespace must all occur (AND); each word matches as a substring.
* Text in double quotes ("…", “…”, ＂…＂) is one term, kept with its inner spaces (an exact phrase).
* Nothing else is syntax: AND, OR, NEAR, *, parentheses and the like are searched for literally.
* Matching folds ASCII letters to lower case; Chinese has no case.
"""

import re
from dataclasses import dataclass

from .bigrams import MAX_TERM_CHARS, MAX_TERMS, runs

_QUOTES = re.compile(r'["“”＂]')


@dataclass(frozen=True)
class Term:
    text: str  # folded; a phrase keeps single spaces between its words
    phrase: bool = False


def parse(text: str) -> list[Term]:
    """Terms of the query, deduplicated, at most MAX_TERMS of at most MAX_TERM_CHARS characters each."""
    terms: list[Term] = []
    seen: set[str] = set()
    # Quotes alternate: even pieces are free words, odd pieces are quoted phrases (an unclosed quote
    # quotes the rest of the string).
    for index, piece in enumerate(_QUOTES.split(text or "")):
        candidates = [Term(piece, phrase=True)] if index % 2 else [Term(word) for word in piece.split()]
        for term in candidates:
            # The index's own runs (folded, split at whitespace and control characters), so that every
            # backend, the LIKE scan included, looks for the same string.
            folded = Term(" ".join(runs(term.text[:MAX_TERM_CHARS])), term.phrase)
            if folded.text and folded.text not in seen:
                seen.add(folded.text)
                terms.append(folded)
    return terms[:MAX_TERMS]
