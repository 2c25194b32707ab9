"""Which claim pairs to score: dense, lexical and frame neighbours, bounded per claim.

Candidates are each claim's ``PairConfig.neighbours`` nearest claims by embedding cosine (at least
``min_similarity``), its ``lexical_neighbours`` nearest by TF-IDF over crude word stems (at least
``min_lexical``), and its ``frame_neighbours`` closest among the claims that share a predicate frame
with it (the same named actor, predicate family and thing: checker.rules.opposites.predicate_frames).
Frame neighbours are there because a headline "Norland Agrees to Quotas" and a body sentence
"Norland, through its premier, is said not to object to the quotas as part of a wider deal" are far
apart as wholes while stating one actor's stance on one thing. Claims naming a person in two
spellings one slip apart ("Ekerwald" / "Ekervald") are frame candidates too, for the same reason:
one entity across the corpus, whatever else the two claims say; so are claims reading one game clock
a second or two apart ("with 7:42 left" / "with 7:41 to go"), claims stating one figure flat and
put in doubt ("two children" / "possibly two children"), and claims stating figures of one unit that
disagree ("an 86-yard run" / "an 84-yard run").

Lexical neighbours are there because sentence embeddings put a claim and its negated restatement far
apart: on data/demo, "The talks ended without any agreement on a prisoner exchange" has cosine 0.40 with
"The two sides agreed on a prisoner exchange of 150 prisoners", below six unrelated "No Ukrainian
officials attended…" sentences, while their TF-IDF cosine is 0.54, its best. Pairs are not restricted to
one cluster for the same reason (a contradiction is often embedded far from what it contradicts). Each
claim keeps a fixed number of partners, so pairs grow linearly with claims.

Example:
    >>> import pandas as pd
    >>> claims = pd.DataFrame({"claim_id": ["k1", "k2"], "article_id": ["a1", "a2"], "cluster_id": ["c", "c"]})
    >>> nn = pd.DataFrame({"a": [0], "b": [1], "similarity": [0.9]})
    >>> select_pairs(claims, nn)[["claim_a", "claim_b", "kind"]].values.tolist()
    [['k1', 'k2', 'cross']]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from checker.config import PairConfig
from checker.rules.attribution import REPORTING_VERBS
from checker.rules.details import CLOCK_SLIP, figures_agree, one_slip
from checker.schemas import validate_frame

PAIR_COLUMNS = ["claim_a", "claim_b", "article_a", "article_b", "similarity", "kind"]
_WORD = re.compile(r"[a-z0-9]+")
PROGRESS_MIN = 20_000  # texts above which the lexical search shows a tqdm bar (a few seconds of work)


def content_stems(text: str) -> list[str]:
    """Lower-cased content words cut to 5 characters: "agreement"/"agreed" -> "agree".

    Example:
        >>> content_stems("The talks ended without any agreement.")
        ['talks', 'ended', 'agree']
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return [w[:5] for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


def lexical_neighbours(texts: Sequence[str], k: int, *, min_similarity: float = 0.3) -> pd.DataFrame:
    """Top-k TF-IDF cosine neighbours of each text (positional a, b, lexical), b != a."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    k = min(k, n - 1)
    empty = pd.DataFrame(
        {"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "lexical": pd.Series(dtype=float)}
    )
    if k <= 0:
        return empty
    try:
        matrix = TfidfVectorizer(analyzer=content_stems, sublinear_tf=True).fit_transform(texts)
    except ValueError:  # no content words at all
        return empty
    chunk = max(64, 20_000_000 // n)  # dense score block of at most ~160 MB
    parts = []
    bar = None if n > PROGRESS_MIN else True  # None: tqdm shows it on a terminal and in notebooks
    for start in tqdm(range(0, n, chunk), desc="lexical neighbours", unit="block", disable=bar):
        block = (matrix[start : start + chunk] @ matrix.T).toarray()
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -1.0
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        score = np.take_along_axis(block, top, axis=1)
        parts.append(
            pd.DataFrame({"a": np.repeat(rows + start, k), "b": top.ravel(), "lexical": score.ravel()})
        )
    out = pd.concat(parts, ignore_index=True)
    return out[out["lexical"] >= min_similarity].reset_index(drop=True)


def frame_keys(frames) -> set[str]:
    """Pairing keys of one claim's predicate frames: "family|actor|thing" for each frame with a named
    actor, except reporting verbs ("Witkoff told reporters" is how a claim is sourced, not what it states).

    Example:
        >>> frames = [("consent", 1, "norland", "quota", "agrees", 2), ("say", 1, "", "x", "said", 2)]
        >>> sorted(frame_keys(frames))
        ['consent|norland|quota']
    """
    return {
        f"{f[0]}|{f[2]}|{f[3]}"
        for f in frames or ()
        if f[2] not in ("", "*") and f[3] and f[0] not in REPORTING_VERBS
    }


def frame_neighbours(keys: Sequence[set[str]], new: np.ndarray, *, max_group: int = 50) -> pd.DataFrame:
    """Positional pairs (a, b) of claims sharing a frame key, a among ``new``, b != a.

    A key shared by more than ``max_group`` claims says little about which of them state one fact
    (a frequent actor with a frequent verb), and would make pairs grow with the square: it is left out.
    """
    groups: dict[str, list[int]] = {}
    for pos, ks in enumerate(keys):
        for key in ks:
            groups.setdefault(key, []).append(pos)
    rows = set()
    for pos in np.asarray(new, dtype=np.int64).tolist():
        for key in keys[pos]:
            members = groups[key]
            if len(members) <= max_group:
                rows.update((pos, b) for b in members if b != pos)
    return _positional(rows)


def name_words(values) -> set[str]:
    """Words of four letters or more in the names of people one claim states (its ``values``), lower case.

    Example:
        >>> sorted(name_words([{"kind": "name", "label": "PERSON", "text": "Anna Ekervald"}]))
        ['anna', 'ekervald']
    """
    return {
        w
        for v in values or ()
        if v.get("kind") == "name" and v.get("label") == "PERSON"
        for w in _WORD.findall(v["text"].lower())
        if len(w) >= 4
    }


def name_neighbours(words: Sequence[set[str]], new: np.ndarray, *, max_group: int = 50) -> pd.DataFrame:
    """Positional pairs (a, b) of claims naming a person in two spellings one slip apart
    (checker.rules.details.one_slip: "Ekerwald" / "Ekervald"), a among ``new``, whatever their
    embeddings: one entity across the corpus, so that the misspelling rule gets to compare them.

    Spellings are matched through their one-letter deletions (as SymSpell does), so the search grows
    with the number of distinct words, not with their square; a spelling more than ``max_group``
    claims use is left out, as frame_neighbours does.
    """
    holders: dict[str, list[int]] = {}
    for pos, ws in enumerate(words):
        for w in ws:
            holders.setdefault(w, []).append(pos)
    by_deletion: dict[str, set[str]] = {}
    for w in holders:
        for d in {w} | {w[:i] + w[i + 1 :] for i in range(len(w))}:
            by_deletion.setdefault(d, set()).add(w)
    close = {
        (x, y)
        for group in by_deletion.values()
        if len(group) > 1
        for x in group
        for y in group
        if x != y and one_slip(x, y)
    }
    wanted = set(np.asarray(new, dtype=np.int64).tolist())
    rows = {
        (a, b)
        for x, y in close
        if len(holders[x]) <= max_group and len(holders[y]) <= max_group
        for a in holders[x]
        if a in wanted
        for b in holders[y]
        if b != a
    }
    return _positional(rows)


def clock_neighbours(values: Sequence, new: np.ndarray, *, max_group: int = 50) -> pd.DataFrame:
    """Positional pairs (a, b) of claims reading one game clock a second or two apart ("with 7:42 left" /
    "with 7:41 to go": checker.rules.details.clock_slip), a among ``new``, whatever their embeddings: a
    long sentence telling the moment among other facts is far from a short one. A reading more than
    ``max_group`` claims share is left out, as frame_neighbours does."""
    readings: dict[tuple[str, int], list[int]] = {}
    for pos, stated in enumerate(values):
        for v in stated or ():
            if v.get("clock"):
                readings.setdefault((v["unit"], int(v["lo"])), []).append(pos)
    rows: set[tuple[int, int]] = set()
    wanted = set(np.asarray(new, dtype=np.int64).tolist())
    for (unit, seconds), members in readings.items():
        for step in range(1, CLOCK_SLIP + 1):
            rows |= _linked(members, readings.get((unit, seconds + step), []), wanted, max_group)
    return _positional(rows)


def _linked(left: list[int], right: list[int], wanted: set[int], max_group: int) -> set[tuple[int, int]]:
    """Positional pairs joining each of ``left`` to each of ``right``, both ways, from the ``wanted``
    side; none when either group is larger than ``max_group``."""
    if len(left) > max_group or len(right) > max_group:
        return set()
    return {(a, b) for a in left for b in right if a in wanted and a != b} | {
        (b, a) for a in left for b in right if b in wanted and a != b
    }


def doubt_neighbours(values: Sequence, new: np.ndarray, *, max_group: int = 50) -> pd.DataFrame:
    """Positional pairs (a, b) of claims stating one figure, flat in one and put in doubt in the other
    ("two children were inside" / "possibly two children were inside":
    checker.rules.details.hedged_figure), a among ``new``, whatever their embeddings. A figure more
    than ``max_group`` claims state is left out, as frame_neighbours does."""
    flat: dict[tuple, list[int]] = {}
    doubted: dict[tuple, list[int]] = {}
    for pos, stated in enumerate(values):
        for v in stated or ():
            if v.get("kind") == "number" and v.get("unit") and not v.get("clock"):
                into = doubted if v.get("hedge") else flat
                into.setdefault((v["unit"], v["lo"], v.get("hi")), []).append(pos)
    wanted = set(np.asarray(new, dtype=np.int64).tolist())
    rows: set[tuple[int, int]] = set()
    for figure, hedged in doubted.items():
        rows |= _linked(hedged, flat.get(figure, []), wanted, max_group)
    return _positional(rows)


def figure_neighbours(values: Sequence, new: np.ndarray, *, max_group: int = 50) -> pd.DataFrame:
    """Positional pairs (a, b) of claims stating figures of one unit that disagree (checker.rules.details
    .figures_agree: "an 86-yard run" / "an 84-yard run", "aged 32" / "33-year-old"), a among ``new``,
    whatever their embeddings: in a story told in many near-identical sentences the one that gives
    another figure is rarely among a claim's nearest. Game clocks are left to clock_neighbours (two
    readings far apart are two moments). A unit more than ``max_group`` claims state is
    left out, as frame_neighbours does, so pairs grow linearly. ``gap`` is the relative difference of
    the closest two figures (0.023 for 86 / 84): select_pairs keeps each claim's closest, the likeliest
    one fact told two ways."""
    by_unit: dict[str, list[tuple[int, dict]]] = {}
    for pos, stated in enumerate(values):
        for v in stated or ():
            if v.get("kind") == "number" and v.get("unit") and not v.get("whole") and not v.get("clock"):
                by_unit.setdefault(v["unit"], []).append((pos, v))
    gaps: dict[tuple[int, int], float] = {}
    wanted = set(np.asarray(new, dtype=np.int64).tolist())
    for members in by_unit.values():
        if len({pos for pos, _ in members}) > max_group:
            continue
        for a, v in members:
            for b, w in members:
                if a in wanted and b != a and not figures_agree(v, w):
                    gap = abs(v["lo"] - w["lo"]) / max(abs(v["lo"]), abs(w["lo"]), 1e-9)
                    gaps[(a, b)] = min(gap, gaps.get((a, b), gap))
    out = _positional(set(gaps))
    return out.assign(gap=[gaps[(a, b)] for a, b in zip(out["a"], out["b"], strict=True)])


def _positional(rows: set[tuple[int, int]]) -> pd.DataFrame:
    """Positional pairs (a, b) as a frame, in order."""
    ordered = sorted(rows)
    return pd.DataFrame(
        {
            "a": np.array([r[0] for r in ordered], dtype=np.int64),
            "b": np.array([r[1] for r in ordered], dtype=np.int64),
        }
    )


def candidates(
    texts: Sequence[str],
    new: np.ndarray,
    vectors: Callable[[np.ndarray], np.ndarray],
    dense: pd.DataFrame,
    stored: pd.DataFrame | None = None,
    config: PairConfig | None = None,
    frames: Sequence | None = None,
    values: Sequence | None = None,
) -> pd.DataFrame:
    """Pair candidates of the new claims, as positions (a, b) over ``texts``, with their cosine.

    Args:
        texts: every claim's text (stored and new), in the row order select_pairs gets.
        new: positions of the new claims in ``texts``.
        vectors: positions -> unit vectors (for the cosine of lexical candidates).
        dense: nearest neighbours among the new claims (a, b: rows of ``new``; similarity).
        stored: stored neighbours of the new claims (a: row of ``new``; b: position in ``texts``;
            similarity); None when nothing is stored.
        frames: every claim's predicate frames, aligned with ``texts`` (None: no frame neighbours).
        values: every claim's values (checker.rules.values), aligned with ``texts``: claims naming a
            person in two spellings one slip apart, reading one game clock a second or two apart,
            stating one figure flat and in doubt, or figures of one unit that disagree, are frame
            candidates too (None: none).

    TF-IDF weights are corpus-wide, so lexical neighbours are found over every text and the rows of
    new claims kept. The result is select_pairs' input.
    """
    config = config or PairConfig()
    new = np.asarray(new, dtype=np.int64)
    lexical = lexical_neighbours(list(texts), config.lexical_neighbours, min_similarity=config.min_lexical)
    if len(new) < len(texts):
        lexical = lexical[lexical["a"].isin(new)].reset_index(drop=True)
    a, b = lexical["a"].to_numpy(dtype=np.int64), lexical["b"].to_numpy(dtype=np.int64)
    lexical["similarity"] = (
        np.einsum("ij,ij->i", vectors(a), vectors(b)).astype(float) if len(a) else np.zeros(0)
    )
    parts = [dense.assign(a=new[dense["a"]], b=new[dense["b"]]), lexical]
    if frames is not None and config.frame_neighbours > 0:
        framed = frame_neighbours([frame_keys(f) for f in frames], new)
        fa, fb = framed["a"].to_numpy(dtype=np.int64), framed["b"].to_numpy(dtype=np.int64)
        cosine = np.einsum("ij,ij->i", vectors(fa), vectors(fb)).astype(float) if len(fa) else np.zeros(0)
        parts.append(framed.assign(similarity=cosine, frame=True))
    if values is not None and config.frame_neighbours > 0:
        for near in (
            name_neighbours([name_words(v) for v in values], new),
            clock_neighbours(values, new),
            doubt_neighbours(values, new),
            figure_neighbours(values, new),
        ):
            na, nb = near["a"].to_numpy(dtype=np.int64), near["b"].to_numpy(dtype=np.int64)
            cosine = np.einsum("ij,ij->i", vectors(na), vectors(nb)).astype(float) if len(na) else np.zeros(0)
            parts.append(near.assign(similarity=cosine, frame="gap" not in near))
    if stored is not None and len(stored):
        parts.append(stored.assign(a=new[stored["a"]])[["a", "b", "similarity"]])
    return pd.concat(parts, ignore_index=True).astype({"a": np.int64, "b": np.int64})


def select_pairs(
    claims: pd.DataFrame, neighbours: pd.DataFrame, config: PairConfig | None = None
) -> pd.DataFrame:
    """Turn neighbour rows (positional a, b over ``claims`` rows) into claim pairs.

    ``neighbours`` has ``similarity`` (embedding cosine), for lexical candidates a ``lexical`` score
    (NaN or absent for dense ones) and for frame candidates ``frame`` True. Dense candidates need
    similarity >= min_similarity; each claim keeps its best ``neighbours`` dense, ``lexical_neighbours``
    lexical and ``frame_neighbours`` frame partners (the closest by embedding, at any similarity), and
    as many figure partners (rows with a ``gap``: checker.steps.pairs.figure_neighbours), the closest
    figures first.
    Pairs within one article are "intra" (kept when config.intra_article), others "cross"; each
    unordered pair appears once with claim_a < claim_b.
    """
    config = config or PairConfig()
    validate_frame(claims, ["claim_id", "article_id"], name="claims")
    nn = neighbours if "lexical" in neighbours else neighbours.assign(lexical=np.nan)
    framed = nn["frame"].fillna(False).astype(bool) if "frame" in nn else pd.Series(False, index=nn.index)
    figured = nn["gap"].notna() if "gap" in nn else pd.Series(False, index=nn.index)
    dense = nn[nn["lexical"].isna() & ~framed & ~figured & (nn["similarity"] >= config.min_similarity)]
    dense = dense.sort_values(["a", "similarity"], ascending=[True, False], kind="stable")
    lexical = nn[nn["lexical"].notna()].sort_values(["a", "lexical"], ascending=[True, False], kind="stable")
    by_frame = nn[framed].sort_values(["a", "similarity"], ascending=[True, False], kind="stable")
    by_figure = nn[figured].sort_values(["a", "gap"], kind="stable") if "gap" in nn else nn.iloc[:0]
    nn = pd.concat(
        [
            dense.groupby("a", sort=False).head(config.neighbours),
            lexical.groupby("a", sort=False).head(config.lexical_neighbours),
            by_frame.groupby("a", sort=False).head(config.frame_neighbours),
            by_figure.groupby("a", sort=False).head(config.frame_neighbours),
        ]
    )
    ids = claims["claim_id"].to_numpy()
    arts = claims["article_id"].to_numpy()
    a, b = nn["a"].to_numpy(dtype=int), nn["b"].to_numpy(dtype=int)
    keep = np.ones(len(a), dtype=bool) if config.intra_article else arts[a] != arts[b]
    a, b, sim = a[keep], b[keep], nn["similarity"].to_numpy(dtype=float)[keep]
    a, b = np.where(ids[a] <= ids[b], a, b), np.where(ids[a] <= ids[b], b, a)  # claim_a < claim_b
    out = pd.DataFrame(
        {
            "claim_a": ids[a],
            "claim_b": ids[b],
            "article_a": arts[a],
            "article_b": arts[b],
            "similarity": sim.round(6),
            "kind": np.where(arts[a] == arts[b], "intra", "cross"),
        },
        columns=PAIR_COLUMNS,
    )
    out = out.sort_values(["claim_a", "claim_b"]).drop_duplicates(["claim_a", "claim_b"])
    return out.reset_index(drop=True)
