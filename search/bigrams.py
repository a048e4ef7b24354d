"""Tokenisation shared by every index backend: overlapping character bigrams.

Text is cut into *runs* at whitespace and control characters (nothing else: punctuation, digits, Latin and
CJK all stay in the run, so a query like 〔2024〕 or 12号 is matched exactly). ASCII letters are folded to
lower case. A run ``c1 c2 … cn`` yields the bigrams ``c1c2, c2c3, …, c(n-1)cn`` followed by the lone last
character ``cn`` (the *terminal unigram*), all at consecutive positions.

Why this gives exact substring matching (recall equal to a LIKE scan):

* a query term of n ≥ 2 characters within one run is the phrase of its n-1 bigrams; consecutive bigram
  positions in a document exist exactly where the term occurs as a substring;
* a 1-character term ``c`` is the prefix query ``c*``: every occurrence of ``c`` either starts a bigram
  ``cX`` or is the last character of its run and so is the terminal unigram ``c``;
* a quoted phrase containing whitespace reproduces the run structure (terminal unigram between runs), so
  it matches where the same words are separated by any run of whitespace.
"""

import functools
import re
import unicodedata

MAX_TERMS = 8  # more terms than this are ignored: bounds the work a single request can cause
MAX_TERM_CHARS = 64  # longer terms are cut: also bounds the chunk overlap of the PostgreSQL backend

# On UTF-8 bytes: A–Z never occur inside a multi-byte sequence, and bytes.translate is ~10x faster than
# str.translate with a dict.
_ASCII_UPPER = bytes.maketrans(bytes(range(65, 91)), bytes(range(97, 123)))


def _is_separator(char: str) -> bool:
    # Lone surrogates too: no database accepts them, and they only arrive in malformed input.
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs")


@functools.cache
def _splitter() -> re.Pattern:
    # Built once, on first use (a scan of all code points, ~0.3 s). Written as ranges: a character class of
    # ~250 single characters makes `re` ~25x slower, and splitting is the hot loop of indexing.
    spans: list[list[int]] = []
    for code in range(0x110000):
        if not _is_separator(chr(code)):
            continue
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in spans)
    return re.compile("[" + body + "]+")


def fold(text: str) -> str:
    """The case folding of the index: ASCII letters only (Chinese has no case)."""
    return text.encode("utf-8", "surrogatepass").translate(_ASCII_UPPER).decode("utf-8", "surrogatepass")


def runs(text: str) -> list[str]:
    return [run for run in _splitter().split(fold(text)) if run]


def run_tokens(run: str, terminal: bool = True) -> list[str]:
    tokens = [run[i:i + 2] for i in range(len(run) - 1)]
    if terminal:
        tokens.append(run[-1])
    return tokens


def tokens(text: str) -> list[str]:
    """Index tokens of `text`, in position order."""
    out: list[str] = []
    for run in runs(text):
        out.extend(run_tokens(run))
    return out


def term_tokens(term: str) -> tuple[list[str], bool]:
    """The phrase that matches `term` as a substring: (tokens, last_is_prefix).

    The last run gets no terminal unigram (the document's run may continue after it); when that run is a
    single character, it becomes a prefix token instead."""
    parts = runs(term)
    if not parts:
        return [], False
    out: list[str] = []
    for run in parts[:-1]:
        out.extend(run_tokens(run))
    last = parts[-1]
    if len(last) == 1:
        out.append(last)
        return out, True
    out.extend(run_tokens(last, terminal=False))
    return out, False


def chunks(text: str, size: int, overlap: int = MAX_TERM_CHARS) -> list[str]:
    """Cut `text` into pieces of at most `size` characters, overlapping by `overlap`, so that every substring
    of at most `overlap` characters lies wholly inside one piece (PostgreSQL caps tsvector positions)."""
    if len(text) <= size:
        return [text]
    step = size - overlap
    return [text[i:i + size] for i in range(0, len(text) - overlap, step)]


def token_text(text: str) -> str:
    """tokens(text) joined by spaces: the form the FTS5 and tsvector indexes are fed."""
    out: list[str] = []
    for run in runs(text):
        out.extend(map(str.__add__, run, run[1:]))
        out.append(run[-1])
    return " ".join(out)
