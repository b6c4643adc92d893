"""The answer a claim gives to a yes/no question: yes, no, or unsure, with the words that decided.

`answer_yes_no(question, text, language)` reads the polarity of `text` (a claim's quote in
English, German, Portuguese or Chinese, traditional or simplified, pinyin glosses already
stripped; or the reviewer's English statement) relative to the question's proposition:

1. The question names what it asks about. Its main clause (before "when", "after", a comma...)
   is matched against a few *frames*, each a proposition with the words that affirm it and
   the words that reverse it, in four languages: leaving (`resigned`, `辭職`, `verließ`,
   `deixou` / `stays`, `bleibt`, `留任`), keeping a promise (`kept`, `honoured`, `兌現` /
   `broke`, `食言`, `背信棄義`, `违背`), finishing a degree (`finished`, `畢業` / `dropped
   out`), and going on doing something (`still`, `keep working`, `仍將` / `no longer`, `moved
   him off`, `調離`, `nicht mehr`). A question no frame fits falls back to its own verb
   ("Did Anthropic scrape ...?" is affirmed by "scraped"), for English text only.
2. The question's own polarity counts: "Has OpenAI not kept its promise?" and "Did OpenAI break
   its promise?" ask whether the promise was broken, so "yes" always means: what the question
   says is true.
3. The text is cut into clauses (punctuation; "but", "aber", "mas", "但"). In each clause every
   affirming or reversing word is counted against the negations that scope over it:
   `not`, `never`, `failed to`, `denied`, `nicht`, `kein`, `nie`, `não`, `nunca`, `jamais`,
   `沒有`, `未`, `不`, `並未`, `從未`, `尚未`... Negations count before the word they negate
   (German `nicht` anywhere in its clause, since it follows the verb); two of them cancel
   ("denied that it broke" is yes; `不是沒有` too), except Portuguese negative concord
   ("não ... nunca" is one negation) and "neither ... nor". A denial ending its clause
   ("OpenAI bestritt, ...") reaches into the next one. Reported speech is read by its content:
   "X says it did" (the bare auxiliary stands for the question's verb), "accuses it of not
   keeping" is no.
4. A clause that asks or doubts ("unclear whether he left", "unklar, ob", `是否`) or is a
   condition ("if he leaves") says nothing. Clauses that disagree weigh against each other; a
   tie is unsure. Hedges ("reportedly", `被曝`, "angeblich") lower the confidence only.

The text is not checked for being about the question's subject: callers pass claims already
grouped under the question. `combine(quote, statement)` joins the readings of a claim's quote
and of its reviewer's statement, the statement counting for more when they disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from tracker.text.script import to_simplified

YES, NO = "yes", "no"

_STRONG, _WEAK, _GENERIC, _ELLIPSIS = 0.85, 0.6, 0.55, 0.5
_HEDGED = 0.8


@dataclass(frozen=True)
class YesNo:
    """A reading: `answer` "yes", "no" or None (unsure), the `cues` that decided it, in the
    order they appear in the text, and a `confidence` in 0..1 (0 when unsure)."""

    answer: str | None
    cues: list[str] = field(default_factory=list)
    confidence: float = 0.0


# --- patterns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    sign: int = 1  # cues: +1 affirms the frame's proposition, -1 reverses it
    weight: float = _STRONG
    anywhere: bool = False  # negation: also scopes over a cue before it (German `nicht`)
    concord: str | None = None  # negations of one concord group count once per clause part
    carries: bool = False  # negation that, ending its clause, scopes over the next clause


class _PatternOptions(TypedDict, total=False):
    """The keyword fields of `_Pattern`, so `_patterns` passes them on typed."""

    sign: int
    weight: float
    anywhere: bool
    concord: str | None
    carries: bool


_LATIN = ("en", "de", "pt")


def _rx(lang: str, alternatives: str) -> re.Pattern[str]:
    """Whole words for Latin-script languages; plain substrings for Chinese."""
    if lang == "zh":
        return re.compile(alternatives)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def _patterns(
    lang: str, alternatives: Iterable[str], **options: Unpack[_PatternOptions]
) -> list[_Pattern]:
    regex = _rx(lang, "|".join(alternatives))
    return [_Pattern(regex, **options)]


@dataclass(frozen=True)
class _Frame:
    """A proposition a question can ask about, with the words that affirm or reverse it."""

    name: str
    cues: dict[str, list[_Pattern]]  # by language
    triggers: list[re.Pattern[str]] = field(default_factory=list)  # extra question words

    def in_question(self, text: str) -> bool:
        return any(t.search(text) for t in self.triggers) or any(
            p.regex.search(text) for patterns in self.cues.values() for p in patterns
        )


def _frame(
    name: str,
    affirm: dict[str, Sequence[str]],
    reverse: dict[str, Sequence[str]],
    weak: dict[str, Sequence[str]] | None = None,
    triggers: dict[str, Sequence[str]] | None = None,
) -> _Frame:
    cues: dict[str, list[_Pattern]] = {}
    for lang in ("en", "de", "pt", "zh"):
        patterns = cues.setdefault(lang, [])
        if affirm.get(lang):
            patterns += _patterns(lang, affirm[lang])
        if reverse.get(lang):
            patterns += _patterns(lang, reverse[lang], sign=-1)
        if weak and weak.get(lang):
            patterns += _patterns(lang, weak[lang], weight=_WEAK)
    extra = [_rx(lang, "|".join(words)) for lang, words in (triggers or {}).items()]
    return _Frame(name, cues, extra)


_LEAVE = _frame(
    "leave",
    affirm={
        "en": [
            r"leav(?:e|es|ing)|left|quit(?:s|ting)?|resign(?:s|ed|ing|ation)?|exit(?:s|ed|ing)?",
            r"depart(?:s|ed|ing|ure)?|st(?:ep|eps|epped|epping) down|walk(?:s|ed)? (?:out|away)",
            r"bow(?:s|ed)? out|fired|ousted|sacked|pushed out|forced out",
            r"no longer (?:works?|working|employed|is|was) (?:at|for|with|by)",
            r"handed in (?:his|her|their) (?:notice|resignation)",
        ],
        "de": [
            r"verl(?:ässt|asse|assen|ieß|iess|ießen|iessen)|gekündigt|kündig(?:t|te|ten|en|ung)",
            r"zurückgetreten|rücktritt|tr(?:itt|at|aten)\b[^,.;]*?\bzurück|ausgeschieden",
            r"sch(?:eidet|ied)\b[^,.;]*?\baus|abgang|weggang|ausstieg|ausgestiegen",
            r"st(?:eigt|ieg)\b[^,.;]*?\baus|entlassen|gefeuert|rausgeworfen",
        ],
        "pt": [
            r"deix(?:ou|a|am|aram|ará|ar)(?!\s+de\b)|sai|saiu|saíram|sair|sairá|saída",
            r"demit(?:iu|e)-se|pediu demissão|foi demitid[oa]|renunci(?:ou|a|ar|ará)",
            r"abandon(?:ou|a) a",
        ],
        "zh": ["辞职|离职|离开|跑路|出走|离任|告别|卸任|辞去|被解雇|被开除|被炒|出局"],
    },
    reverse={
        "en": [
            r"st(?:ay|ays|ayed|aying)|remain(?:s|ed|ing)?|sticks? around",
            r"(?:is|was) still (?:at|with|employed)|still works? (?:at|for)",
        ],
        "de": [r"bleibt|blieb|geblieben|verbleib(?:t|en)"],
        "pt": [r"fic(?:a|ou|ará)|permanec(?:e|eu|erá|em)"],
        "zh": ["留任|留在|留下|继续留|仍在|还在"],
    },
    weak={
        "en": [r"join(?:s|ed|ing)?|mov(?:es|ed|ing) to|heading to|poached by|defect(?:s|ed)?"],
        "de": [r"wechsel(?:t|te|n)|gewechselt|abgeworben|angeheuert"],
        "pt": [r"junt(?:ou|a)-se|(?:vai|foi) para"],
        "zh": ["跳槽|加入|加盟|投奔|转投"],
    },
)

_KEEP = _frame(
    "keep",
    affirm={
        "en": [
            r"keep(?:s|ing)?|kept|honou?r(?:s|ed|ing)?|fulfil(?:l|s|ls|led|ling)?",
            r"deliver(?:s|ed|ing)? on|st(?:uck|ick|icks|icking) (?:to|by)|adhered to",
            r"liv(?:e|es|ed|ing) up to|ma(?:de|ke|kes|king) good on|follow(?:s|ed)? through",
            r"uph(?:old|olds|eld|olding)|me(?:t|ets|eting) (?:its|the|their|his|her|that)",
        ],
        "de": [
            r"gehalten|h(?:ält|ielt|alten)|eingehalten|einhalten|h(?:ält|ielt)\b[^,.;]*?\bein",
            r"erfüll(?:t|te|ten|en)|eingelöst|einlösen|l(?:öst|öste)\b[^,.;]*?\bein",
        ],
        "pt": [r"cumpr\w*|mant(?:eve|ém|inha|er|enha)|honr\w*|respeit\w*"],
        "zh": ["兑现|坚持|遵守|履行|信守|守信|做到|落实|遵循|践行"],
    },
    reverse={
        "en": [
            r"br(?:eak|eaks|eaking|oke|oken)|reneg(?:e|es|ed|ing)(?: on)?|betray(?:s|ed|ing)?",
            r"(?:went|go|goes|going) back on|backtrack(?:s|ed|ing)?|walk(?:s|ed)? back",
            r"abandon(?:s|ed|ing)?|violat(?:e|es|ed|ing)|f(?:all|alls|ell|allen|alling) short",
        ],
        "de": [r"gebrochen|brach|bricht|brechen|verst(?:ößt|ieß|oßen)|wortbrüchig"],
        "pt": [r"quebr\w*|descumpr\w*|romp\w*|viol\w*|traiu|traído|faltou com"],
        "zh": ["食言|背信弃义|违背|违反|背弃|失信|毁约|爽约|言而无信|打破"],
    },
    triggers={
        "en": [r"promis\w*|pledge\w*|commitment\w*|vow\w*|guarantee\w*"],
        "de": [r"versprech\w*|versproch\w*|zusage\w*"],
        "pt": [r"promessa\w*|compromisso\w*|prometeu"],
        "zh": ["承诺|诺言|许诺"],
    },
)

_FINISH = _frame(
    "finish",
    affirm={
        "en": [
            r"finish(?:ed|es|ing)?|complet(?:e|ed|es|ing)|graduat(?:e|ed|es|ing)",
            r"earn(?:ed|s|ing)? (?:his|her|their|a|the)|obtain(?:ed|s|ing)?",
            r"(?:received|got|holds?|held|has) (?:his|her|their|a) (?:phd|doctorate|degree)",
            r"defended (?:his|her|their) (?:thesis|dissertation)",
        ],
        "de": [
            r"abgeschlossen|abschl(?:ießen|oss)|schl(?:oss|ießt)\b[^,.;]*?\bab|beendet|beendete",
            r"promoviert|promovierte|absolviert\w*|erw(?:arb|orben)",
        ],
        "pt": [r"conclu(?:iu|ído|ir|ía)|termin(?:ou|ado|ar)|formou-se|formado|doutorou-se|obteve"],
        "zh": ["毕业|读完|念完|拿到|获得|取得|完成|学成"],
    },
    reverse={
        "en": [
            r"drop(?:s|ped|ping)? out|abandon(?:ed|s)? (?:his|her|their|the)",
            r"quit (?:his|her|their|the) (?:phd|doctorate|studies|program)",
            r"(?:was |is )?still (?:a )?(?:phd|doctoral|graduate) student",
        ],
        "de": [r"abgebrochen|br(?:ach|icht)\b[^,.;]*?\bab|noch (?:student|doktorand)\w*"],
        "pt": [r"abandonou|largou|trancou|ainda (?:era|é) (?:aluno|estudante|doutorando)"],
        "zh": ["辍学|肄业|退学|中途放弃|还在读|仍在读"],
    },
    triggers={
        "en": [r"ph\.?d|doctorate|degree|studies|thesis"],
        "de": [r"abschluss|promotion|studium"],
        "pt": [r"doutorado|diploma|curso"],
        "zh": ["博士|学位|学业"],
    },
)

_CONTINUE = _frame(
    "continue",
    affirm={
        "en": [
            r"still|continu(?:e|es|ed|ing)|(?:keep|keeps|kept|will keep) (?:on )?\w+ing",
            r"(?:go|goes|went|will go) on \w+ing|carr(?:y|ies|ied) on",
            r"remain(?:s|ed)? (?:in|on|at|with|focused|committed|dedicated|involved)",
        ],
        "de": [r"noch immer|immer noch|weiterhin|nach wie vor|noch(?!\s+nicht)"],
        "pt": [r"ainda(?!\s+não)|continu\w*|segue|seguirá|permanec\w*"],
        "zh": ["仍然|仍将|仍在|仍|依然|依旧|继续|还在|照旧"],
    },
    reverse={
        "en": [
            r"no longer|not any ?more|reassign(?:s|ed|ing|ment)?|demoted|sidelined",
            r"(?:moved|taken|took|pulled|shifted|switched|removed|transferred)\b"
            r"(?:\s+[\w-]+){0,5}?\s+(?:off|from|away from|out of)",
            r"stop(?:s|ped|ping)?|ceas(?:e|es|ed)|gave up|give up|gives up",
            r"st(?:ep|eps|epped) (?:down|away|back) from",
        ],
        "de": [
            r"nicht mehr|kein(?:e|en)? mehr|nie mehr|abgezogen|versetzt|entbunden|abgelöst",
            r"aufgehört",
        ],
        "pt": [
            r"já não|não(?:\s+[\w-]+){1,3}\s+mais|deix(?:ou|a|aram|am|ará) de|par(?:ou|a|aram) de",
            r"afastad[oa]|afast(?:ou|aram)|transferid[oa]|transferiu|removid[oa]|retirad[oa]",
        ],
        "zh": ["调离|不再|撤离|撤下|撤换|卸任|免去|免职|调往|转岗|调任|重新分配|改任|停止"],
    },
    triggers={"en": [r"any ?more|any longer"]},
)

_FRAMES = [_LEAVE, _KEEP, _FINISH, _CONTINUE]

# Not 不过 (but), 不仅 (not only), 不少 (many), 不得不 (had to) and the like.
_ZH_NOT = r"(?<!不得)不(?!过|仅|少|久|断|同|管|论|但|满|料|错|禁|免|光|止|愧|得不)"
_NEGATIONS: dict[str, list[_Pattern]] = {
    "en": [
        *_patterns("en", [r"not(?! only| just| merely)|\w+n['’]t|cannot|never|no longer|hardly"]),
        *_patterns("en", [r"neither|nor"], concord="nor"),
        *_patterns(
            "en",
            [
                r"fail(?:s|ed|ing)? to|refus(?:e|es|ed|ing) to|unable to|without",
                r"(?:has|have|had|is|are|was) yet to|no (?:evidence|sign|indication|proof)",
                r"(?:false|untrue|wrong|incorrect) (?:that|to say)",
            ],
        ),
        *_patterns(
            "en",
            [
                r"den(?:y|ies|ied|ying)|refut(?:e|es|ed)",
                r"(?:dismiss|reject)(?:s|ed)? (?:reports|claims|suggestions|rumou?rs|the idea)",
            ],
            carries=True,
        ),
    ],
    "de": [
        *_patterns(
            "de", [r"nicht(?! nur)|nie|niemals|kein(?:e|en|em|er|es)?|weder"], anywhere=True
        ),
        *_patterns("de", [r"ohne"]),
        *_patterns(
            "de",
            [r"bestr(?:eitet|itt|itten|eiten)|dementier\w*|versäum\w*|verfehlt\w*"],
            anywhere=True,
            carries=True,
        ),
    ],
    "pt": [
        *_patterns(
            "pt", [r"não(?! só| apenas| somente)|nunca|jamais|nem|nenhum[a]?|ninguém"], concord="pt"
        ),
        *_patterns("pt", [r"sem|falh(?:ou|a|aram|am) em|deix(?:ou|a|aram|am) de"]),
        *_patterns("pt", [r"neg(?:ou|a|am|aram|ando)|desment\w*"], carries=True),
    ],
    "zh": [
        *_patterns(
            "zh",
            ["并未|从未|尚未|未能|没能|未曾|没有|并非|绝非|不再|无法|拒绝|未(?!来)", _ZH_NOT],
        ),
        *_patterns("zh", [r"(?<![淹埋沉隐湮出])没(?!收)"]),
        *_patterns("zh", ["否认"], carries=True),
    ],
}

_HEDGES = [
    _rx(
        "en",
        r"reportedly|allegedly|rumou?red|reports? (?:say|said|suggest)|(?:is|was) said to"
        r"|appears? to|seems? to|may|might|could|possibly|probably|likely",
    ),
    _rx("de", r"angeblich|soll(?:en)?|berichten zufolge|offenbar|möglicherweise|vermutlich|wohl"),
    _rx("pt", r"supostamente|alegadamente|teria|segundo relatos|poderá|poderia|provavelmente"),
    _rx("zh", "被曝|据报道|据悉|传闻|据称|据传|或将|可能|疑似|或许"),
]

_CLAUSE_BREAK = re.compile(
    r"[,;:!?，；：！？。\n()（）]|\.(?=\s|$)|\s[–—-]\s"
    r"|(?<![\w-])(?:but|however|although|though|whereas|while|because|aber|sondern|jedoch"
    r"|obwohl|während|weil|mas|porém|contudo|embora|enquanto|porque)(?![\w-])"
    r"|但是|但|不过|然而|可是|虽然|因为",
    re.IGNORECASE,
)
#: A clause that asks or doubts ("unclear whether he left") says neither yes nor no.
_UNCERTAIN = re.compile(
    r"(?<![\w-])(?:whether|if|unclear|uncertain|unknown|not (?:clear|known|certain|sure)"
    r"|ob|unklar|ungewiss|unbekannt|não (?:está|é) claro|não se sabe|incerto)(?![\w-])"
    r"|是否|是不是|有没有|不清楚|不确定|未知",
    re.IGNORECASE,
)
_ASKS = re.compile(r"^\s*(?:whether|if|ob|se)\b|^\s*是否", re.IGNORECASE)
_CLAUSE_LEAD = re.compile(r"^\s*(?:dass|daß|that|que|ob)\b", re.IGNORECASE)
_ALLOWED_AFTER_CARRY = re.compile(r"^(?:\s+es)?\s*$", re.IGNORECASE)
_PT_PART = re.compile(r"(?<![\w-])que(?![\w-])", re.IGNORECASE)
_BARE_AUXILIARY = re.compile(
    r"(?:^|(?<![\w-])(?:it|he|she|they|we|this|so|[A-Z][\w-]*))\s+"
    r"(?:did|does|do|has|have|had|is|was|were|are|will|would)"
    r"(?P<neg>\s+not|n['’]t)?\s*$"
)
_HAS_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# --- reading one text -------------------------------------------------------------------------


@dataclass
class _Match:
    start: int
    end: int
    pattern: _Pattern
    frame: str = ""

    def overlaps(self, other: _Match) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class _Clause:
    start: int
    end: int
    text: str


@dataclass
class _Reading:
    sign: int
    weight: float
    spans: list[tuple[int, int]]


def _languages(language: str | None, text: str) -> list[str]:
    primary = (language or "").split("-")[0].split("_")[0].lower()
    found = ["en", primary] if primary in _LATIN else list(_LATIN)
    if _HAS_CJK.search(text) or primary == "zh":
        found.append("zh")
    return list(dict.fromkeys(found))


def _clauses(text: str) -> list[_Clause]:
    clauses, start = [], 0
    for brk in _CLAUSE_BREAK.finditer(text):
        clauses.append(_Clause(start, brk.start(), text[start : brk.start()]))
        start = brk.end()
    clauses.append(_Clause(start, len(text), text[start:]))
    return [c for c in clauses if c.text.strip()]


def _find(patterns: Iterable[tuple[_Pattern, str]], clause: _Clause) -> list[_Match]:
    found = []
    for pattern, frame in patterns:
        for m in pattern.regex.finditer(clause.text):
            found.append(_Match(clause.start + m.start(), clause.start + m.end(), pattern, frame))
    return found


def _without_overlaps(matches: list[_Match]) -> list[_Match]:
    """Longest first: `no longer works at` (left) before `no longer` (stopped) before `not`."""
    kept: list[_Match] = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if not any(m.overlaps(k) for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _negation_count(negations: list[_Match], text: str) -> int:
    """How many negations count: one per concord group in each `que`-separated part."""
    count, concord = 0, set()
    for n in negations:
        if n.pattern.concord:
            part = len(_PT_PART.findall(text, 0, n.start))
            if (n.pattern.concord, part) in concord:
                continue
            concord.add((n.pattern.concord, part))
        count += 1
    return count


@dataclass
class _Question:
    frames: dict[str, int]  # frame name -> the question's polarity for it (+1 or -1)
    verbs: set[str]  # stems of the question's own verbs, when no frame fits
    sign: int  # the polarity a bare "it did" / "it did not" answers


def _read(text: str, question: _Question, languages: list[str]) -> tuple[list[_Reading], bool]:
    """Readings of each clause of `text` that says something about the question."""
    key = to_simplified(text)  # same length as `text`: spans point into both
    frames = [f for f in _FRAMES if f.name in question.frames]
    cue_patterns = [(p, f.name) for f in frames for lang in languages for p in f.cues.get(lang, [])]
    negation_patterns = [(p, "") for lang in languages for p in _NEGATIONS.get(lang, [])]
    readings: list[_Reading] = []
    carried: list[_Match] = []
    clauses = _clauses(key)
    for index, clause in enumerate(clauses):
        if _UNCERTAIN.search(clause.text) or (
            index and _UNCERTAIN.search(clauses[index - 1].text) and _ASKS.match(clause.text)
        ):
            carried = []
            continue
        cues = _without_overlaps(_find(cue_patterns, clause))
        negations = [
            n
            for n in _without_overlaps(_find(negation_patterns, clause))
            if not any(n.overlaps(c) for c in cues)
        ]
        if not cues and question.verbs and "en" in languages:
            cues = [
                _Match(clause.start + m.start(), clause.start + m.end(), _GENERIC_CUE, "")
                for m in re.finditer(r"[A-Za-z][\w'-]*", clause.text)
                if _stem(m.group()) in question.verbs
            ]
        signs: list[tuple[int, float, list[tuple[int, int]]]] = []
        for cue in cues:
            scope = carried + [n for n in negations if n.end <= cue.start or n.pattern.anywhere]
            count = _negation_count(scope, key)
            polarity = question.frames.get(cue.frame, question.sign) * cue.pattern.sign
            weight = cue.pattern.weight - 0.05 * max(0, count - 1)
            spans = [(n.start, n.end) for n in scope] + [(cue.start, cue.end)]
            signs.append((polarity * (-1) ** count, weight, spans))
        if not cues and "en" in languages and (ellipsis := _BARE_AUXILIARY.search(clause.text)):
            count = len(carried) + (1 if ellipsis.group("neg") else 0)
            span = (clause.start + ellipsis.start(), clause.start + ellipsis.end())
            signs.append((question.sign * (-1) ** count, _ELLIPSIS, [span]))
        if signs:
            readings.append(_clause_reading(signs))
        carried = []
        if not cues and negations and index + 1 < len(clauses):
            last = negations[-1]
            tail = key[last.end : clause.end]
            if _CLAUSE_LEAD.match(clauses[index + 1].text) or (
                last.pattern.carries and _ALLOWED_AFTER_CARRY.match(tail)
            ):
                carried = negations
    hedged = any(h.search(key) for h in _HEDGES)
    return readings, hedged


_GENERIC_CUE = _Pattern(re.compile(""), weight=_GENERIC)


def _clause_reading(signs: list[tuple[int, float, list[tuple[int, int]]]]) -> _Reading:
    totals = {1: 0.0, -1: 0.0}
    for sign, weight, _ in signs:
        totals[sign] += weight
    sign = 1 if totals[1] > totals[-1] else -1 if totals[-1] > totals[1] else 0
    winning = [s for s in signs if s[0] == sign]
    return _Reading(
        sign,
        max((w for _, w, _ in winning), default=0.0),
        [span for _, _, spans in winning for span in spans],
    )


def unsure() -> YesNo:
    """The reading of a text that does not answer the question (or of no question)."""
    return YesNo(None, [], 0.0)


def _verdict(text: str, readings: list[_Reading], hedged: bool) -> YesNo:
    totals = {1: 0.0, -1: 0.0}
    for r in readings:
        if r.sign:
            totals[r.sign] += r.weight
    if totals[1] == totals[-1]:
        return unsure()
    sign = 1 if totals[1] > totals[-1] else -1
    winners = [r for r in readings if r.sign == sign]
    win, lose = totals[sign], totals[-sign]
    confidence = max(r.weight for r in winners) + 0.05 * (len(winners) - 1)
    confidence = min(0.95, confidence) * (win - lose) / (win + lose)
    if hedged:
        confidence *= _HEDGED
    spans = sorted({span for r in winners for span in r.spans})
    cues = list(dict.fromkeys(text[a:b].strip() for a, b in spans))
    return YesNo(YES if sign > 0 else NO, cues, round(confidence, 2))


# --- the question -----------------------------------------------------------------------------

_WH = re.compile(r"^\W*(?:what|who|whom|whose|which|where|when|why|how)\b", re.IGNORECASE)
_OR_NOT = re.compile(r",?\s+or\s+not\b", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"\bor\b", re.IGNORECASE)
_SUBORDINATE = re.compile(
    r",|\s(?:when|after|before|while|because|since|although|though|if|until|once|as soon as)\b",
    re.IGNORECASE,
)
_AUXILIARY_WORDS = (
    "did do does is are was were has have had will would can could should shall may might must"
    " didn't don't doesn't isn't aren't wasn't weren't hasn't haven't hadn't won't can't"
)
_AUXILIARIES = frozenset(_AUXILIARY_WORDS.split())
_SKIPPED = {
    "determiner": frozenset(["the", "a", "an", "this", "that", "these", "those", "some", "any"]),
    "owner": frozenset(["its", "his", "her", "their", "our", "my", "your"]),
    "adverb": frozenset(["not", "ever", "really", "also", "already", "yet", "actually", "n't"]),
}
_IRREGULAR = {
    "left": "leave", "kept": "keep", "broke": "break", "broken": "break", "went": "go",
    "gone": "go", "made": "make", "took": "take", "taken": "take", "gave": "give",
    "given": "give", "said": "say", "ran": "run", "won": "win", "lost": "lose", "held": "hold",
    "sold": "sell", "bought": "buy", "began": "begin", "begun": "begin", "paid": "pay",
    "led": "lead", "met": "meet", "got": "get", "found": "find", "told": "tell",
    "thought": "think", "brought": "bring", "came": "come", "became": "become",
    "wrote": "write", "written": "write", "knew": "know", "known": "know", "saw": "see",
    "seen": "see", "did": "do", "done": "do", "built": "build", "spent": "spend",
    "sent": "send", "hired": "hire", "tried": "try",
}  # fmt: skip


_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def _stem(word: str) -> str:
    """A crude English stem, the same for a verb's forms: `scraped`, `scrapes` -> `scrap`."""
    word = word.lower().replace("’", "'")
    word = _IRREGULAR.get(word, word)
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + replacement
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]  # stopped -> stopp -> stop
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def _question_verbs(main: str) -> set[str]:
    """The question's verb(s) after its auxiliary and subject: "Did Musk try to recruit ..."."""
    words = re.findall(r"[A-Za-z][\w'’-]*", main)
    i = 1 if words and words[0].lower() in _AUXILIARIES else 0
    while i < len(words):
        word = words[i].lower()
        if word in _SKIPPED["determiner"]:
            i += 2  # the determiner and its noun: "Did the board fire ..."
        elif words[i][0].isupper() or word in _SKIPPED["owner"] or word in _SKIPPED["adverb"]:
            i += 1
        else:
            break
    verbs = set()
    if i < len(words):
        verbs.add(_stem(words[i]))
        if i + 2 < len(words) and words[i + 1].lower() == "to":
            verbs.add(_stem(words[i + 2]))
    return verbs


def _parse_question(question: str, languages: list[str]) -> _Question | None:
    text = _OR_NOT.sub("", question.strip().rstrip("?？").strip())
    if not text or _WH.match(text) or _ALTERNATIVE.search(text):
        return None
    cut = next((m.start() for m in _SUBORDINATE.finditer(text) if m.start() > 0), len(text))
    main = to_simplified(text[:cut])
    frames = [f for f in _FRAMES if f.in_question(main)]
    polarity: dict[str, int] = {}
    for frame in frames:
        readings, _ = _read(main, _Question({frame.name: 1}, set(), 1), languages)
        signs = [r.sign for r in readings if r.sign]
        if signs:
            polarity[frame.name] = signs[0]
        else:  # named only by a noun ("... its promise ...?"): negations still count
            negations = [(p, "") for lang in languages for p in _NEGATIONS.get(lang, [])]
            count = len(_find(negations, _Clause(0, len(main), main)))
            polarity[frame.name] = (-1) ** count
    if polarity:
        return _Question(polarity, set(), next(iter(polarity.values())))
    verbs = _question_verbs(main)
    if not verbs:
        return None
    readings, _ = _read(main, _Question({}, verbs, 1), languages)
    sign = next((r.sign for r in readings if r.sign), 1)
    return _Question({}, verbs, sign)


# --- the interface ----------------------------------------------------------------------------


def answer_yes_no(question: str, text: str, language: str | None) -> YesNo:
    """The answer `text` gives to the yes/no `question`, with its cues and confidence.

    `language` is the text's language ("en", "de", "pt", "zh", "zh-Hant"...) or None to try
    them all. Not a yes/no question ("Why ...?", "A or B?"), or nothing in the text about
    it: the answer is None.
    """
    if not text.strip():
        return unsure()
    parsed = _parse_question(question, _languages(None, question))
    if parsed is None:
        return unsure()
    readings, hedged = _read(text, parsed, _languages(language, text))
    return _verdict(text, readings, hedged)


#: How much more the reviewer's statement counts than the quote when the two disagree.
STATEMENT_WEIGHT = 1.5


def combine(quote: YesNo, statement: YesNo) -> YesNo:
    """One reading from a claim's quote and its reviewer's statement.

    Agreeing readings reinforce each other; when they disagree, the statement (the reviewer's
    own words) wins unless the quote's reading is much surer, and the confidence drops.
    """
    if quote.answer is None or statement.answer is None:
        if quote.answer is None and statement.answer is None:
            return unsure()
        return statement if statement.answer is not None else quote
    if quote.answer == statement.answer:
        confidence = 1 - (1 - quote.confidence) * (1 - statement.confidence)
        cues = list(dict.fromkeys([*statement.cues, *quote.cues]))
        return YesNo(statement.answer, cues, round(min(0.97, confidence), 2))
    if STATEMENT_WEIGHT * statement.confidence >= quote.confidence:
        winner, loser = statement, quote
    else:
        winner, loser = quote, statement
    return YesNo(
        winner.answer, winner.cues, round(winner.confidence * (1 - loser.confidence / 2), 2)
    )
