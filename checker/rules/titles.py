"""Headlines: whether a title is written in title case, and its sentence-case form for the models.

Headlines are often Title Cased ("Norland Agrees to Fishing Quotas") or ALL CAPS. The embedder and the
NLI model read capitals as names, so a title claim is compared in sentence case ("Norland agrees to
fishing quotas"), while the report keeps the title as written. A capitalised word of a title is a
proper noun, and keeps its capital, when (first evidence that decides wins):

1. it starts the title, or the part after a colon ("Cops: Queens Woman ..."): sentence case keeps it;
2. the article body writes a run of title words that contains it with the same capitals
   ("Endangered Species Act"), or writes the word itself capitalised mid-sentence more often than in
   lower case ("Norland" kept, "Quotas" lowered when the body says "quotas"); body lines that are
   themselves in title case (sub-headings, a repeated headline) are no evidence;
3. spaCy tags it PROPN or puts it in a named entity when the *draft* is parsed: the title with every
   word not yet known to be a name lower-cased, so capitals alone do not make names;

else it is lower-cased. Acronyms ("EU") and mixed-case words ("McFly") always stay as written. An
all-caps title takes the body's spelling of each word it can find ("DUI", "Chargers") and the same
rules otherwise. The sentence-case form has the title's length, so offsets into the title hold in it.

Measured on 30 title-cased ECB+ headlines judged by eye (issue #14): 28 normalised exactly right, 198
of the 200 capitalised words decided right; the body alone gets 25, spaCy alone 18, lower-casing all
but acronyms and the first word 11. Keeping words the parser's lemma list does not know ("Kowalczyk")
was tried and dropped: it kept more common words ("Rehab", "Rehires") than it saved names.

Two steps, so a caller can batch the parsing: ``draft(title, body)`` decides what the body can, and
``sentence_case(draft, doc)`` finishes with the parse of ``draft.text``.

Example:
    >>> d = draft("Minister: Norland Agrees to Fishing Quotas", "Talks with Norland on fishing quotas.")
    >>> d.text
    'Minister: Norland agrees to fishing quotas'
    >>> sentence_case(d)
    'Minister: Norland agrees to fishing quotas'
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from checker.rules.values import MONTHS, WEEKDAYS

NAME = "checker.titles.v1"  # stored results depend on it: bump when a table or rule changes

# Letter runs: "O'Brien" is "O" + "Brien", "6.1-Magnitude" has "Magnitude"; "76ers" and "5th" have none.
_WORD = re.compile(r"(?<!\w)[^\W\d_]+")
# Words title case leaves in lower case (AP and Chicago styles); they never decide whether a title is
# title-cased, since styles differ on them ("With", "From").
_SMALL = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via vs with from into onto over "
    "than upon near like amid out down past about after under".split()
)
_MIN_TITLE_CASED = 2  # capitalised content words after the first: "Pope To Quit" says too little
# What ends a sentence inside a title or body: the next word may be capitalised for that alone.
_BOUNDARY = re.compile(r"[.!?:\n]")
_SENTENCE_START = re.compile(r"(?:^|[:!?])[\s\"'\u201c\u2018(\[]*$")
_RUN_GAP = re.compile(r"^(?:\s|[.\u2019'-])+$")  # between two words of one name: "Mt. Cook", "Hit-And-Run"
_NAME_ENTS = frozenset("PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE".split())
# "may" and "march" are verbs far more often than months in a headline.
_ALWAYS_CAPITAL = frozenset(WEEKDAYS) | (frozenset(MONTHS) - {"may", "march"})


@dataclasses.dataclass(frozen=True)
class Draft:
    """What the body decided about a title's words, and the text to parse for the rest.

    Attributes:
        title: the title as written.
        text: the draft: the title with every capitalised word not yet known to be a name in lower
            case (same length as the title). Equal to ``title`` when the title is not title-cased.
        decided: word start -> its form in the sentence-case text, for words already decided.
        todo: (start, end) of the words left to the parse (``sentence_case``).
    """

    title: str
    text: str
    decided: dict[int, str]
    todo: tuple[tuple[int, int], ...]


def is_title_case(title: str) -> bool:
    """Whether a title is in Title Case or ALL CAPS (so its capitals say nothing about names).

    Every content word after the first must be capitalised, and at least two are: "Peter Capaldi to
    replace Matt Smith" is sentence case with names, "Colts Clinch Playoff Berth" title case.

    Example:
        >>> is_title_case("Norland Agrees to Fishing Quotas"), is_title_case("Norland agrees to quotas")
        (True, False)
    """
    if _all_caps(title):
        return True
    words = [w for w in _WORD.findall(title)[1:] if w.lower() not in _SMALL and len(w) > 1]
    return len(words) >= _MIN_TITLE_CASED and all(w[0].isupper() for w in words)


def draft(title: str, body: str = "") -> Draft:
    """Decide what the article body can about a title's capitals (see the module docstring).

    Args:
        title: the title as written.
        body: the article's text, for how it writes the title's words mid-sentence.

    Example:
        >>> draft("EU Backs Kowalczyk Plan", "The plan of Anna Kowalczyk won support.").todo
        ((3, 8),)
    """
    if not is_title_case(title):
        return Draft(title, title, {}, ())
    caps = _all_caps(title)
    words = [(m.start(), m.end()) for m in _WORD.finditer(title)]
    decided: dict[int, str] = {}
    for s, e in words:
        w = title[s:e]
        if not caps and (len(w) > 1 and not w[1:].islower() or w.islower() or w == "I"):
            decided[s] = w  # acronyms, mixed case ("McFly") and words already in lower case stay
        elif len(w) == 1 and w != "A" and not caps:
            decided[s] = w  # an initial ("K. C."); a lone "A" is the article
        elif _SENTENCE_START.search(title[:s]):
            decided[s] = w if not caps else w[0] + w[1:].lower()
        elif w.lower() in _ALWAYS_CAPITAL:
            decided[s] = w[0] + w[1:].lower()
    lines = "\n".join(line for line in body.splitlines() if not is_title_case(line))
    decided |= {s: f for s, f in _phrases(title, words, lines).items() if s not in decided}
    forms = _body_forms(lines)
    todo = []
    for s, e in words:
        if s in decided:
            continue
        seen = forms.get(title[s:e].lower())
        upper = sum(n for f, n in seen.items() if f[0].isupper()) if seen else 0
        lower = sum(seen.values()) - upper if seen else 0
        if upper > lower:
            decided[s] = next(f for f, _ in seen.most_common() if f[0].isupper()) if caps else title[s:e]
        elif lower > upper:
            decided[s] = title[s:e].lower()
        else:
            todo.append((s, e))
    text = list(title)
    for s, e in words:
        form = decided.get(s, title[s:e].lower())
        if len(form) == e - s:  # a few letters change length with case ("İ"): those stay as written
            text[s:e] = form
    return Draft(title, "".join(text), decided, tuple(todo))


def sentence_case(d: Draft, doc=None) -> str:
    """The draft finished: a word the body left undecided keeps its capital if the parse calls it a name.

    Args:
        d: from ``draft``.
        doc: spaCy's parse of ``d.text`` (tags and entities); None lower-cases every undecided word.

    Example:
        >>> from checker.models.nlp import load_spacy
        >>> d = draft("Poll Shows Kowalczyk Ahead in Gdansk")  # no body: the parse decides
        >>> sentence_case(d, load_spacy()(d.text))
        'Poll shows Kowalczyk ahead in Gdansk'
    """
    text = list(d.text)
    for s, e in d.todo:
        word = d.title[s:e]
        tokens = [t for t in doc if t.idx < e and s < t.idx + len(t)] if doc is not None else []
        if any(t.pos_ == "PROPN" or t.ent_type_ in _NAME_ENTS for t in tokens):
            form = word[0].upper() + word[1:].lower()
            if len(form) == e - s:
                text[s:e] = form
    return "".join(text)


def _all_caps(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if len(w) > 1]
    return len(words) >= _MIN_TITLE_CASED and text == text.upper() and text != text.lower()


def _body_forms(body: str) -> dict[str, Counter]:
    """lower-case word -> how often the body writes each form of it mid-sentence (one pass)."""
    forms: dict[str, Counter] = {}
    start = True  # the first word of the text, of a line and after . ! ? : may be capitalised for that
    for m in re.finditer(rf"{_WORD.pattern}|{_BOUNDARY.pattern}", body):
        w = m.group()
        if _BOUNDARY.fullmatch(w):
            start = True
        elif start:
            start = False
        else:
            forms.setdefault(w.lower(), Counter())[w] += 1
    return forms


def _phrases(title: str, words: list[tuple[int, int]], body: str) -> dict[int, str]:
    """Words of capitalised runs ("Endangered Species Act") that the body writes capitalised too.

    Longest runs first; the body's spelling is returned for each word (an all-caps title takes it).
    A run the body opens a sentence with proves only its later words.
    """
    runs, run = [], []
    for s, e in words:
        if title[s].isupper() and (not run or _RUN_GAP.match(title[run[-1][1] : s])):
            run.append((s, e))
            continue
        runs.append(run)
        run = [(s, e)] if title[s].isupper() else []
    runs.append(run)
    found: dict[int, str] = {}
    for run in runs:
        for size in range(len(run), 1, -1):
            for i in range(len(run) - size + 1):
                part = run[i : i + size]
                if all(s in found for s, _ in part[1:]):
                    continue
                lo, hi = part[0][0], part[-1][1]
                for m in re.finditer(re.escape(title[lo:hi]), body, re.IGNORECASE):
                    got = [(s, m.group()[s - lo : e - lo]) for s, e in part]
                    opens = _opens_sentence(body, m.start())
                    if all(f[0].isupper() for _, f in got[1:]) and (opens or got[0][1][0].isupper()):
                        found.update(got[1:] if opens else got)
                        break
    return found


def _opens_sentence(body: str, at: int) -> bool:
    before = body[max(0, at - 40) : at].rstrip(" \t\"'\u201c\u2018([")
    return not before or bool(_BOUNDARY.match(before[-1]))
