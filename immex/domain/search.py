"""Spanish full-text search over tariff descriptions (pure: no I/O).

- :func:`normalize` folds case and accents ("Teléfonos" → "telefonos") and keeps only letters,
  digits and single spaces; it is idempotent.
- :func:`tokens` drops Spanish stop words and applies a light plural stemmer
  ("inteligentes" → "inteligente", "motores" → "motor", "luces" → "luz").
- :class:`SearchIndex` is an inverted index built once; :meth:`SearchIndex.search` scores with a
  BM25-style weight per field (the fraction's own text counts most, then its subheading and
  heading) times the share of query words matched, plus a bonus when the whole query appears
  as a phrase in the fraction's text.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STOP_WORDS = frozenset(
    [
        "a",
        "al",
        "con",
        "de",
        "del",
        "e",
        "el",
        "en",
        "la",
        "las",
        "lo",
        "los",
        "o",
        "para",
        "por",
        "que",
        "se",
        "sin",
        "su",
        "sus",
        "u",
        "un",
        "una",
        "y",
        "incluso",
        "excepto",
        "cuando",
        "como",
    ]
)

#: everyday Mexican words → the LIGIE's wording (a search aid only; stemmed tokens)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "computadora": ("maquina", "automatica", "procesamiento", "dato"),
    "laptop": ("portatil", "procesamiento", "dato"),
    "celular": ("telefono", "movil"),
    "llanta": ("neumatico",),
    "lavadora": ("lavar", "ropa"),
    "arnes": ("juego", "cable"),
    "arnese": ("juego", "cable"),
    "pickup": ("camioneta",),
    "chip": ("circuito", "integrado"),
    "tablet": ("procesamiento", "dato", "portatil"),
    "auto": ("automovil",),
    "coche": ("automovil",),
    "carro": ("automovil",),
}

#: weight of each field of a document
FIELD_WEIGHTS = (3.0, 2.0, 3.0, 0.5)  # own description, subheading, heading, extra (NICO)
PHRASE_BONUS = 1.2
PAREN_SHARE = 0.4  # words inside parentheses ("(incluidos los circuitos integrados)") count less
_PARENS = re.compile(r"\([^()]*\)")
_K1 = 1.2
_B = 0.75


_COMBINING = re.compile("[\u0300-\u036f]+")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case, no accents, only ``[a-z0-9]`` words separated by one space."""
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return _NON_WORD.sub(" ", folded).strip()


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Light Spanish plural stemming (deterministic, idempotent on its outputs' plurals)."""
    if len(word) > 4 and word.endswith("ces"):
        return word[:-3] + "z"
    if len(word) > 4 and word.endswith("es") and word[-3] in "rlndjz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and not word[-2].isdigit():
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Stemmed search tokens of a text, stop words removed, in order."""
    return [stem(w) for w in normalize(text).split() if w not in STOP_WORDS]


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    score: float


class SearchIndex:
    """Inverted index over documents made of weighted fields."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        """``docs[i]`` = the fields of document ``i`` (see :data:`FIELD_WEIGHTS`)."""
        memo: dict[str, tuple[list[str], frozenset[str]]] = {}

        def analyse(text: str) -> tuple[list[str], frozenset[str]]:
            """(all tokens, tokens outside parentheses) of a field, memoised: headings repeat."""
            got = memo.get(text)
            if got is None:
                got = (tokens(text), frozenset(tokens(_PARENS.sub(" ", text))))
                memo[text] = got
            return got

        tokenized = [[analyse(text)[0] for text in fields] for fields in docs]
        nf = len(FIELD_WEIGHTS)
        avg = []
        for f in range(nf):
            lens = [len(d[f]) for d in tokenized if len(d) > f and d[f]]
            avg.append(sum(lens) / len(lens) if lens else 1.0)
        self._postings: dict[str, list[tuple[int, float]]] = {}
        self._phrase: list[str] = []
        for doc_id, fields in enumerate(docs):
            weights: dict[str, float] = {}
            for f, text in enumerate(fields[:nf]):
                toks = tokenized[doc_id][f]
                if not toks:
                    continue
                main = analyse(text)[1]
                norm = 1 - _B + _B * len(toks) / avg[f]
                for tok in set(toks):
                    share = 1.0 if tok in main else PAREN_SHARE
                    weights[tok] = weights.get(tok, 0.0) + share * FIELD_WEIGHTS[f] / norm
            own = tokens(_PARENS.sub(" ", fields[0])) if fields else []
            self._phrase.append(" " + " ".join(own) + " ")
            for tok, w in weights.items():
                self._postings.setdefault(tok, []).append((doc_id, w))
        self._n = len(tokenized)
        self._vocab = sorted(self._postings)
        self._idf = {
            t: math.log(1 + (self._n - len(p) + 0.5) / (len(p) + 0.5))
            for t, p in self._postings.items()
        }

    def __len__(self) -> int:
        return self._n

    def _expand(self, term: str) -> list[str]:
        """The term itself, or vocabulary words it prefixes when it is not a word itself."""
        if term in self._postings:
            return [term]
        if len(term) < 3:
            return []
        i = bisect_left(self._vocab, term)
        out: list[str] = []
        while i < len(self._vocab) and self._vocab[i].startswith(term) and len(out) < 20:
            out.append(self._vocab[i])
            i += 1
        return out

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        terms = list(dict.fromkeys(tokens(query)))
        if not terms or limit <= 0:
            return []
        scores: dict[int, float] = {}
        matched: dict[int, int] = {}
        for term in terms:
            seen: set[int] = set()
            words = [(w, 1.0 if w == term else 0.6) for w in self._expand(term)]
            words += [(w, 0.8) for w in SYNONYMS.get(term, ()) if w in self._postings]
            for word, factor in words:
                idf = self._idf[word] * factor
                for doc, w in self._postings[word]:
                    part = idf * w * (_K1 + 1) / (w + _K1)
                    scores[doc] = scores.get(doc, 0.0) + part
                    if doc not in seen:
                        seen.add(doc)
                        matched[doc] = matched.get(doc, 0) + 1
        n_terms = len(terms)
        phrase = " " + " ".join(terms) + " "
        ranked: list[Hit] = []
        for doc, s in scores.items():
            cover = matched[doc] / n_terms
            score = s * cover * cover
            if n_terms > 1 and phrase in self._phrase[doc]:
                score *= PHRASE_BONUS
            ranked.append(Hit(doc, round(score, 4)))
        ranked.sort(key=lambda h: (-h.score, h.doc))
        return ranked[:limit]


def naive_search(docs: Iterable[Sequence[str]], query: str, limit: int = 10) -> list[int]:
    """Reference: linear scan counting query words found in each document (for benchmarks)."""
    terms = set(tokens(query))
    if not terms:
        return []
    scored = []
    for i, fields in enumerate(docs):
        found = set()
        for text in fields:
            found |= terms & set(tokens(text))
        if found:
            scored.append((-len(found), i))
    scored.sort()
    return [i for _, i in scored[:limit]]
