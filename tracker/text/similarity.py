"""How alike two short texts are in meaning, as one score in 0..1.

Used to rank the question a claim answers (its statement against question texts, answer
phrases and other claims' statements) and to find an existing answer phrase that a new
free-text answer may repeat. `similarity` and `rank` are the interface; the single methods stay
public so a benchmark can compare them:

- `lexical_similarity`: rapidfuzz `token_set_ratio` on `search_key` text (OpenCC t2s,
  case-folded) with every Chinese character a token of its own. German and Portuguese compare
  as whole words (`verlassen` and `verließ` differ), Chinese as characters (traditional and
  simplified count as the same). Blind to paraphrases that share no words, and a text whose
  words are a subset of the other's (`OpenAI` against any sentence naming OpenAI) scores 1.
- `bm25_similarity` / `bm25_rank`: BM25 over words without stop words (English, German,
  Portuguese lists) and over Chinese character bigrams. `bm25_rank` weighs a word by its rarity
  among the candidates; a pair has no corpus, so in `bm25_similarity` every word weighs 1.
- `semantic_similarity` / `semantic_rank`: cosine of WordLlama 0.4 static embeddings, its
  English 256-dimension model shipped inside the wheel, loaded offline once on first use
  (`SemanticModel`). It knows English synonyms ("quit" ~ "resigned"). German is read through
  the English vocabulary's sub-word pieces and shared names: related vs unrelated still works,
  synonyms mostly do not. Chinese has no tokens of its own and is read as UTF-8 bytes, so it
  works as a character-overlap measure; text is made simplified first, so both scripts agree.
  Without the package or its weights it logs why, once, and gives the lexical score instead.

`similarity` is 0.7 semantic + 0.3 pairwise BM25, for every language, chosen on the 75
labelled pairs in tests/text/test_similarity.py (en 48, de 12, zh 15; our own sentences):

    method              paraphrase  diff. fact  unrelated  para/unrel AUC  question top-1
    lexical                0.65        0.66       0.44         0.92        8/12,  2/12 of 65
    bm25                   0.34        0.42       0.12         0.83       10/12,  8/12 of 65
    semantic               0.62        0.63       0.29         0.90       10/12,  6/12 of 65
    similarity (chosen)    0.54        0.57       0.23         0.92       11/12,  8/12 of 65

It ranks questions best (a claim statement against 10 questions, and against all 65 seed
questions), and puts every paraphrase above the unrelated sentence about the same people. No
method here, nor the MiniLM sentence model we tried, tells a paraphrase from a different fact
about the same people (best threshold: 55% right). `SAME_TOPIC` is a reliable cut between
related and unrelated; `SAME_MEANING` is only a hint for a reviewer to confirm.
"""

from __future__ import annotations

import importlib
import logging
import math
import os
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz import fuzz

from tracker.text.script import search_key, to_simplified

log = logging.getLogger(__name__)

_CJK_CHAR = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"([{_CJK_CHAR}])")
_HAS_CJK = re.compile(f"[{_CJK_CHAR}]")


# --- lexical ---------------------------------------------------------------------------------


def _spaced(text: str) -> str:
    """Chinese has no spaces: give each character its own token so token measures work."""
    return _CJK.sub(r" \1 ", text)


def lexical_similarity(a: str, b: str) -> float:
    """Token-set similarity in 0..1, ignoring case and traditional vs simplified script."""
    if not a.strip() or not b.strip():
        return 0.0
    return fuzz.token_set_ratio(_spaced(search_key(a)), _spaced(search_key(b))) / 100


def lexical_rank(query: str, candidates: Sequence[str]) -> list[float]:
    """`lexical_similarity` of `query` with each candidate, in the candidates' order."""
    return [lexical_similarity(query, candidate) for candidate in candidates]


# --- BM25 ------------------------------------------------------------------------------------

_STOP_WORDS_EN = (
    "a an and are as at be been by did do does for from had has have he her his if in into is "
    "it its of on or she so than that the their them they this to was were will with would"
)
_STOP_WORDS_DE = (
    "aber als am an auch auf aus bei das dass dem den der des die ein eine einem einen einer "
    "er es für hat haben ihr im in ist mit nach sein seine sich sie sind um und von vor war "
    "wird wurde zu zum zur"
)
_STOP_WORDS_PT = (
    "ao aos as com da das de do dos e ela ele em foi na nas no nos o os ou para pela pelo por "
    "que se seu sua um uma"
)
_STOP_WORDS = frozenset(f"{_STOP_WORDS_EN} {_STOP_WORDS_DE} {_STOP_WORDS_PT}".split())
_LETTERS = rf"[^\W\d_{_CJK_CHAR}]+"
_WORD = re.compile(rf"[{_CJK_CHAR}]+|{_LETTERS}(?:['’]{_LETTERS})*|\d+(?:[.,]\d+)*")
_K1 = 1.2
_B = 0.75


def _bm25_terms(text: str) -> list[str]:
    terms: list[str] = []
    for token in _WORD.findall(search_key(text)):
        if _HAS_CJK.match(token):
            # Character bigrams are the usual BM25 unit for Chinese; a lone character stays.
            terms += (
                [token] if len(token) == 1 else [token[i : i + 2] for i in range(len(token) - 1)]
            )
        elif token not in _STOP_WORDS:
            if token.endswith(("'s", "’s")):
                token = token[:-2]
            terms.append(token)
    return terms


def _bm25(query: list[str], docs: list[list[str]], idf: Callable[[str], float]) -> list[float]:
    """BM25 of `query` in each doc, divided by the most the query's terms could score."""
    wanted = set(query)
    best = sum(idf(t) for t in wanted)
    if not docs or best <= 0:
        return [0.0] * len(docs)
    average = sum(map(len, docs)) / len(docs) or 1.0
    scores = []
    for doc in docs:
        tf = Counter(t for t in doc if t in wanted)
        norm = _K1 * (1 - _B + _B * len(doc) / average)
        score = sum(idf(t) * f * (_K1 + 1) / (f + norm) for t, f in tf.items())
        scores.append(min(1.0, score / best))
    return scores


def bm25_rank(query: str, candidates: Sequence[str]) -> list[float]:
    """BM25 score in 0..1 of each candidate for `query`; rarer words among them weigh more."""
    docs = [_bm25_terms(c) for c in candidates]
    n = len(docs)
    df = Counter(t for doc in docs for t in set(doc))

    def idf(term: str) -> float:
        if n < 3:  # two documents say nothing about how rare a word is
            return 1.0
        return math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))

    return _bm25(_bm25_terms(query), docs, idf)


def bm25_similarity(a: str, b: str) -> float:
    """BM25 both ways between two texts, averaged; every non-stop word weighs the same."""
    ta, tb = _bm25_terms(a), _bm25_terms(b)
    if not ta or not tb:
        return 0.0
    docs = [ta, tb]
    forward = _bm25(ta, docs, lambda _: 1.0)[1]
    backward = _bm25(tb, docs, lambda _: 1.0)[0]
    return (forward + backward) / 2


# --- semantic (WordLlama) --------------------------------------------------------------------


class SemanticModel:
    """WordLlama's bundled English model, loaded on first use, once, from any thread.

    `package` names the module to load it from; a model whose package or weights are missing
    is unavailable (`vectors` returns None) and says why in `unavailable_because`. Vectors of
    recent texts are kept, since the same question texts are compared again and again.
    """

    def __init__(self, package: str = "wordllama", cache_size: int = 4096) -> None:
        self.package = package
        self.unavailable_because: str | None = None
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None and self.unavailable_because is None:
            with self._load_lock:
                if self._model is None and self.unavailable_because is None:
                    try:
                        module = importlib.import_module(self.package)
                        if module.__file__ is None:  # a namespace package: no files to load
                            raise ImportError(f"{self.package} has no files", name=self.package)
                        # The tokenizer config and weights are inside the package: point the
                        # cache there and forbid downloads, or load() tries the network.
                        self._model = module.WordLlama.load(
                            cache_dir=os.path.dirname(module.__file__), disable_download=True
                        )
                    except (ImportError, OSError) as exc:
                        self.unavailable_because = f"{type(exc).__name__}: {exc}"
                        log.warning(
                            "semantic similarity unavailable, using lexical instead: %s",
                            self.unavailable_because,
                        )
        return self._model

    @property
    def available(self) -> bool:
        return self._load() is not None

    def vectors(self, texts: Sequence[str]) -> Any:
        """Unit-length embeddings, one numpy row per (non-blank) text; None if unavailable."""
        model = self._load()
        if model is None:
            return None
        # Simplified script, so that traditional and simplified Chinese give the same bytes.
        keys = [to_simplified(t) for t in texts]
        with self._cache_lock:
            found = {k: self._cache[k] for k in keys if k in self._cache}
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            fresh = dict(zip(missing, model.embed(missing, norm=True), strict=True))
            found.update(fresh)
            with self._cache_lock:
                self._cache.update(fresh)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        import numpy as np  # comes with wordllama: only needed once a model is loaded

        return np.stack([found[k] for k in keys])


_default_model = SemanticModel()


def semantic_rank(
    query: str, candidates: Sequence[str], model: SemanticModel | None = None
) -> list[float]:
    """Cosine similarity (negatives as 0) of `query` with each candidate; lexical if no model."""
    model = model or _default_model
    if not model.available:
        return lexical_rank(query, candidates)
    filled = [i for i, c in enumerate(candidates) if c.strip()]
    scores = [0.0] * len(candidates)
    if not query.strip() or not filled:
        return scores
    vectors = model.vectors([query, *(candidates[i] for i in filled)])
    for i, cosine in zip(filled, vectors[1:] @ vectors[0], strict=True):
        scores[i] = min(1.0, max(0.0, float(cosine)))
    return scores


def semantic_similarity(a: str, b: str, model: SemanticModel | None = None) -> float:
    """Cosine similarity of the two texts' embeddings in 0..1; lexical if there is no model."""
    return semantic_rank(a, [b], model)[0]


# --- the combination -------------------------------------------------------------------------

#: Weight of the semantic score; BM25 (pairwise) has the rest. Chosen on the labelled pairs.
SEMANTIC_WEIGHT = 0.7
#: At least this: the two texts are about the same thing (a paraphrase or another fact about
#: it); below it, unrelated. 89% of the labelled pairs are on the right side.
SAME_TOPIC = 0.42
#: At least this: the two texts may say the same thing. Only a hint (65% right on the labelled
#: pairs): no method here tells "resigned to join Anthropic" from "resigned to join Google".
SAME_MEANING = 0.59


def rank(query: str, candidates: Sequence[str]) -> list[float]:
    """`similarity(query, candidate)` for each candidate, in their order, embedding once."""
    semantic = semantic_rank(query, candidates)
    return [
        SEMANTIC_WEIGHT * sem + (1 - SEMANTIC_WEIGHT) * bm25_similarity(query, candidate)
        for candidate, sem in zip(candidates, semantic, strict=True)
    ]


def similarity(a: str, b: str) -> float:
    """How alike `a` and `b` are in meaning, 0..1 (1: the same words, or a close paraphrase)."""
    return rank(a, [b])[0]


def same_topic(a: str, b: str) -> bool:
    """Whether two texts are about the same thing (`similarity` at least `SAME_TOPIC`)."""
    return similarity(a, b) >= SAME_TOPIC


def same_meaning(a: str, b: str) -> bool:
    """Whether two short answers may say the same thing: a suggestion for a reviewer to
    confirm, since a different fact about the same people scores as high as a paraphrase.
    Compare their values (`tracker.text.values`) and polarity before treating them as one."""
    return similarity(a, b) >= SAME_MEANING
