"""NLI data for tools/nli_model/train.py and tools/nli_model/evaluate.py: loaders and synthetic pairs.

Every loader returns a DataFrame with columns premise, hypothesis, label (entailment | neutral |
contradiction, or for RTE entailment | not_entailment), source, and for generated sets category
and group. Paths default to ../shared/data; a missing file raises FileNotFoundError naming it, so
callers can say which set is absent and go on.

Licences (../shared/data/README.md): SNLI dev, FEVER-symmetric, WiCE and MEANTIME may train the
shipped model; SICK, ANLI, RTE and SNLI test are evaluation only.
"""

from __future__ import annotations

import hashlib
import json
import numbers
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LABELS = ("entailment", "neutral", "contradiction")
HANDWRITTEN = Path(__file__).resolve().parents[2] / "data" / "nli" / "handwritten.jsonl"

_DETOK = [
    (re.compile(r"-LRB-|-LSB-"), "("),
    (re.compile(r"-RRB-|-RSB-"), ")"),
    (re.compile(r"``\s*|''"), '"'),
    (re.compile(r"\s+([.,;:!?%)\]])"), r"\1"),
    (re.compile(r"([(\[$])\s+"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"),
    (re.compile(r"\s+--\s+"), " - "),
    (re.compile(r"\s{2,}"), " "),
]


def detok(text: str) -> str:
    """Undo PTB-style tokenisation ("Boeing 's jet ." -> "Boeing's jet.")."""
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text.strip()


def _frame(rows: list[dict], source: str) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["premise", "hypothesis", "label"])
    df["source"] = source
    return df


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"{path} is absent (see ../shared/data/README.md)")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_snli(path: Path = SHARED / "nli/snli/snli_dev.jsonl") -> pd.DataFrame:
    rows = [
        {"premise": detok(r["premise"]), "hypothesis": detok(r["hypothesis"]), "label": r["label"]}
        for r in _jsonl(Path(path))
        if r["label"] in LABELS
    ]
    return _frame(rows, Path(path).stem)


def load_fever_symmetric(folder: Path = SHARED / "nli/fever-symmetric") -> pd.DataFrame:
    mapping = {"SUPPORTS": "entailment", "REFUTES": "contradiction"}
    rows = []
    for name, key in [
        ("fever_symmetric_dev.jsonl", "evidence"),
        ("fever_symmetric_generated.jsonl", "evidence_sentence"),
    ]:
        for r in _jsonl(Path(folder) / name):
            if r["label"] in mapping:
                rows.append(
                    {"premise": detok(r[key]), "hypothesis": detok(r["claim"]), "label": mapping[r["label"]]}
                )
    return _frame(rows, "fever_symmetric")


def load_wice(path: Path = SHARED / "factcheck/wice/dev.jsonl") -> pd.DataFrame:
    """WiCE claims against their first annotated evidence set.

    supported -> entailment; partially_supported -> neutral (the evidence covers only part of the
    claim). not_supported claims have no evidence set and are left out: the cited page merely fails
    to support them, which is neither a usable neutral premise nor a contradiction.
    """
    mapping = {"supported": "entailment", "partially_supported": "neutral"}
    rows = []
    for r in _jsonl(Path(path)):
        if r["label"] in mapping and r["supporting_sentences"]:
            ids = r["supporting_sentences"][0]
            premise = " ".join(r["evidence"][i] for i in ids if i < len(r["evidence"]))
            rows.append({"premise": premise, "hypothesis": r["claim"], "label": mapping[r["label"]]})
    return _frame(rows, "wice")


# The five MultiNLI genres of mnli-dev-matched; TaxiNLI's other genres are MultiNLI *mismatched*
# (evaluation only), so only these train.
MNLI_MATCHED_GENRES = {"fiction", "government", "slate", "telephone", "travel"}


def _three_way(rows: list[dict], p: str, h: str, lab: str, source: str) -> pd.DataFrame:
    out = [
        {"premise": detok(r[p]), "hypothesis": detok(r[h]), "label": name}
        for r in rows
        if (name := label_name(r[lab])) and str(r[p]).strip() and str(r[h]).strip()
    ]
    return _frame(out, source)


def load_snli_train_subsets(folder: Path = SHARED / "nli/snli-train-subsets") -> pd.DataFrame:
    """Samples of SNLI train (CC BY-SA 4.0): the four snlisub files and the CAD seed pairs."""
    folder = Path(folder)
    parts = [_three_way(_jsonl(f), "sentence1", "sentence2", "gold_label", "snli_train")
             for f in sorted(folder.glob("snlisub*_train.jsonl"))]  # fmt: skip
    parts.append(_three_way(_jsonl(folder / "cad_seed_snli_train.jsonl"), "premise", "hypothesis", "label",
                            "snli_train"))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def load_mnli_matched(path: Path = SHARED / "nli/mnli-dev-matched/mnli_dev_matched.jsonl") -> pd.DataFrame:
    """MultiNLI dev-matched, 3-way (pairs without a gold label are left out)."""
    return _three_way(_jsonl(Path(path)), "sentence1", "sentence2", "gold_label", "mnli_matched")


def load_taxinli(path: Path = SHARED / "nli/taxinli/taxinli10k.tsv") -> pd.DataFrame:
    """TaxiNLI's MultiNLI pairs of the five matched genres (C-UDA 1.0; gold ``label``)."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} is absent (see ../shared/data/README.md)")
    df = pd.read_csv(path, sep="\t", quoting=3, dtype=str, keep_default_na=False)
    df = df[df["genre"].isin(MNLI_MATCHED_GENRES)]
    return _three_way(df.to_dict("records"), "prem", "hyp", "label", "taxinli")


def load_breaking_nli(path: Path = SHARED / "nli/breaking-nli/dataset.jsonl") -> pd.DataFrame:
    """Breaking NLI: SNLI premises with one word swapped (CC BY-SA 4.0), 3-way."""
    return _three_way(_jsonl(Path(path)), "sentence1", "sentence2", "gold_label", "breaking_nli")


def load_fm2(folder: Path = SHARED / "nli/fm2") -> pd.DataFrame:
    """FoolMeTwice claims against their gold evidence sentences: SUPPORTS -> entailment, REFUTES ->
    contradiction (as FEVER). Both files are train-ok (Apache-2.0 + Wikipedia CC BY-SA)."""
    mapping = {"SUPPORTS": "entailment", "REFUTES": "contradiction"}
    rows = []
    for name in ("dev.jsonl", "test.jsonl"):
        for r in _jsonl(Path(folder) / name):
            evidence = " ".join(e["text"] for e in r.get("gold_evidence") or [])
            if r.get("label") in mapping and evidence:
                rows.append({"premise": evidence, "hypothesis": r["text"], "label": mapping[r["label"]]})
    return _frame(rows, "fm2")


def _binary_docnli(path: Path) -> list[dict]:
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} is absent (see ../shared/data/README.md)")
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        label, _, rest = line.partition("\t")
        premise, _, hypothesis = rest.rpartition("\t")
        if label in ("entailment", "not_entailment") and premise and hypothesis:
            rows.append({"premise": detok(premise), "hypothesis": detok(hypothesis), "label": label})
    return rows


def load_fever_nli(folder: Path = SHARED / "nli/docnli-binary") -> pd.DataFrame:
    """FEVER-NLI (DocNLI's binary files): Wikipedia evidence vs claim, **2-way**: label is entailment
    or not_entailment, and training treats not_entailment as "neutral or contradiction"."""
    rows = []
    for name in ("binary_fever_nli_dev.txt", "binary_fever_nli_test.txt"):
        rows += _binary_docnli(Path(folder) / name)
    return _frame(rows, "fever_nli")


def load_med(path: Path = SHARED / "nli/med/MED.tsv") -> pd.DataFrame:
    """MED monotonicity pairs, crowd rows only (CC BY-SA 4.0), **2-way**: its "neutral" means neutral or
    contradiction, so it becomes not_entailment."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} is absent (see ../shared/data/README.md)")
    df = pd.read_csv(path, sep="\t", quoting=3, dtype=str, keep_default_na=False)
    df = df[df["genre"].str.startswith("crowd")]
    rows = [
        {"premise": a, "hypothesis": b, "label": "entailment" if lab == "entailment" else "not_entailment"}
        for a, b, lab in zip(df["sentence1"], df["sentence2"], df["gold_label"], strict=True)
        if lab in ("entailment", "neutral") and a.strip() and b.strip()
    ]
    return _frame(rows, "med")


def load_mnli_mismatched(folder: Path = SHARED / "nli/docnli-binary") -> pd.DataFrame:
    """MultiNLI mismatched, **2-way**, evaluation only: the pairs of DocNLI's binary MultiNLI files
    that are not MultiNLI dev-matched pairs."""
    matched = load_mnli_matched()
    seen = set(zip(matched["premise"].map(norm_text), matched["hypothesis"].map(norm_text), strict=True))
    rows = []
    for name in ("binary_mnli_dev.txt", "binary_mnli_test.txt"):
        rows += [r for r in _binary_docnli(Path(folder) / name)
                 if (norm_text(r["premise"]), norm_text(r["hypothesis"])) not in seen]  # fmt: skip
    return _frame(rows, "mnli_mismatched").drop_duplicates(["premise", "hypothesis"])


def load_scitail(path: Path = SHARED / "nli/scitail-test/scitail_dev.csv") -> pd.DataFrame:
    """SciTail's official test split (the file name says dev), **2-way**, evaluation only."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} is absent (see ../shared/data/README.md)")
    df = pd.read_csv(path)
    rows = [{"premise": " ".join(str(a).split()), "hypothesis": " ".join(str(b).split()), "label": lab}
            for a, b, lab in zip(df["premise"], df["hypothesis"], df["label"], strict=True)]  # fmt: skip
    return _frame(rows, "scitail_test")


def norm_text(text: str) -> str:
    """Text as compared for deduplication: detokenised, lower case, letters and digits only."""
    return " ".join(re.findall(r"[a-z0-9]+", detok(str(text)).lower()))


def evaluation_keys() -> tuple[set[tuple[str, str]], set[str]]:
    """(premise, hypothesis) keys of every evaluation set present, and the SNLI test premises.

    Training drops a pair with either key (the same pair, or any pair on an SNLI test premise), so no
    evaluation pair is trained on whatever set it came from."""
    pairs: set[tuple[str, str]] = set()
    premises: set[str] = set()
    loaders = [
        lambda: load_snli(SHARED / "nli/snli/snli_test.jsonl"),
        load_sick,
        load_rte,
        lambda: load_rte(split="dev"),
        load_anli,
        load_mnli_mismatched,
        load_scitail,
    ]
    for loader in loaders:
        try:
            frame = loader()
        except FileNotFoundError:
            continue
        pairs |= set(zip(frame["premise"].map(norm_text), frame["hypothesis"].map(norm_text), strict=True))
        if frame["source"].iat[0] == "snli_test":
            premises |= set(frame["premise"].map(norm_text))
    return pairs, premises


def load_sick(path: Path = SHARED / "nli/sick/SICK_test_annotated.txt") -> pd.DataFrame:
    df = pd.read_csv(path, sep="\t")
    rows = [
        {"premise": a, "hypothesis": b, "label": lab.lower()}
        for a, b, lab in zip(df["sentence_A"], df["sentence_B"], df["entailment_judgment"], strict=True)
    ]
    return _frame(rows, "sick_test")


def load_anli(folder: Path = SHARED / "nli/anli") -> pd.DataFrame:
    mapping = {"e": "entailment", "n": "neutral", "c": "contradiction"}
    rows = []
    for rnd in ("R1", "R2", "R3"):
        rows += [
            {"premise": r["context"], "hypothesis": r["hypothesis"], "label": mapping[r["label"]]}
            for r in _jsonl(Path(folder) / f"{rnd}_dev.jsonl")
        ]
    return _frame(rows, "anli_dev")


def load_rte(folder: Path = SHARED / "nli/rte", split: str = "test") -> pd.DataFrame:
    """RTE 1-3, 2-way: label is entailment or not_entailment."""
    rows = []
    for i in (1, 2, 3):
        path = Path(folder) / f"rte{i}_{split}.xml"
        if not path.exists():
            raise FileNotFoundError(f"{path} is absent (see ../shared/data/README.md)")
        for pair in ET.parse(path).getroot().iter("pair"):
            yes = (pair.get("entailment") or pair.get("value") or "").upper() in {"YES", "TRUE"}
            rows.append(
                {
                    "premise": " ".join(pair.findtext("t", "").split()),
                    "hypothesis": " ".join(pair.findtext("h", "").split()),
                    "label": "entailment" if yes else "not_entailment",
                }
            )
    return _frame(rows, f"rte_{split}")


_LABEL_NAMES = {"e": "entailment", "n": "neutral", "c": "contradiction", "supports": "entailment",
                "refutes": "contradiction"}  # fmt: skip


def label_name(value, names: list[str] | None = None) -> str | None:
    """One label as entailment / neutral / contradiction, by name; None for an unlabelled row.

    ``names`` are a dataset's class names for integer labels (SNLI and MNLI use -1 for "no gold").
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):  # numpy ints from pandas too
        if names is None or not 0 <= int(value) < len(names):
            return None
        value = names[int(value)]
    name = str(value).strip().lower()
    name = _LABEL_NAMES.get(name, name)
    return name if name in LABELS else None


def load_extra(spec: str) -> pd.DataFrame:
    """Labelled pairs from a local .jsonl / .csv file (premise, hypothesis, label) or, with a
    network, a Hugging Face dataset named "hf:NAME:SPLIT" or "hf:NAME:CONFIG:SPLIT" (needs
    ``pip install datasets``), e.g. "hf:nyu-mll/multi_nli:train". Labels are matched by name.

    For models users train themselves: the shipped model takes only the train-ok sets of
    ../shared/data/README.md, so check a set's licence before you add it.
    """
    if spec.startswith("hf:"):
        parts = spec[3:].split(":")
        if len(parts) not in (2, 3):
            raise ValueError(f"{spec!r}: write hf:NAME:SPLIT or hf:NAME:CONFIG:SPLIT")
        try:
            import datasets
        except ImportError as e:
            raise ImportError(f"{spec!r} needs the datasets package: pip install datasets") from e
        ds = datasets.load_dataset(*parts[:-1], split=parts[-1])
        feature = ds.features.get("label")
        names = list(getattr(feature, "names", []) or []) or None
        records = ds.to_pandas().to_dict("records")
    else:
        path = Path(spec)
        if not path.exists():
            raise FileNotFoundError(f"{path} is absent: give a .jsonl or .csv file, or hf:NAME:SPLIT")
        records = pd.read_csv(path).to_dict("records") if path.suffix == ".csv" else _jsonl(path)
        names = None
    missing = {"premise", "hypothesis", "label"} - set(records[0] if records else {})
    if missing:
        raise ValueError(f"{spec}: no {', '.join(sorted(missing))} column")
    rows = [
        {"premise": r["premise"], "hypothesis": r["hypothesis"], "label": lab}
        for r in records
        if (lab := label_name(r["label"], names))
    ]
    return _frame(rows, spec)


def in_heldout(group: str, fraction: float = 0.2) -> bool:
    """Deterministic split by group id, so one base fact never sits on both sides."""
    return int(hashlib.sha1(group.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < fraction


def load_handwritten(
    path: Path = HANDWRITTEN,
) -> pd.DataFrame:
    rows = _jsonl(Path(path))
    df = pd.DataFrame(rows)[["premise", "hypothesis", "label", "category", "group"]]
    df["source"] = "handwritten"
    return df


# --------------------------------------------------------------------------------------------
# Synthetic pairs from MEANTIME Wikinews (CC BY 4.0)
# --------------------------------------------------------------------------------------------

SWAP_LABELS = {"PERSON", "GPE", "ORG", "DATE", "LOC", "NORP", "MONEY", "CARDINAL", "PERCENT"}
_HEDGES = ["reportedly", "allegedly", "apparently"]
_ADJUNCT_PREPS = {
    "in",
    "on",
    "at",
    "during",
    "after",
    "before",
    "since",
    "following",
    "amid",
    "despite",
    "until",
}
# Keep-probabilities per perturbation: without them negation and antonym pairs dominate and the
# model learns "small edit => contradiction", the opposite of what hedge/strength pairs need.
_KEEP = {"entity": 0.6, "negation": 0.35, "antonym": 0.25, "hedge": 0.35}


def load_meantime_sentences(
    path: Path = SHARED / "news/meantime-wikinews/meantime_en_docs.jsonl",
) -> pd.DataFrame:
    """Body sentences (8-45 words) of the MEANTIME articles, detokenised, with doc and topic."""
    rows = []
    for doc in _jsonl(Path(path)):
        for i, sent in enumerate(doc["sentences"][2:], start=2):  # 0: headline, 1: dateline
            text = detok(sent)
            if 8 <= len(text.split()) <= 45 and text[-1:] in '.!"' and not text.endswith("?"):
                rows.append({"text": text, "doc": doc["doc_key"], "topic": doc["topic"], "idx": i})
    return pd.DataFrame(rows)


def read_wordnet_antonyms(folder: Path = Path("/usr/share/wordnet")) -> dict[str, str]:
    """Antonym pairs (word -> antonym) from WordNet's data.adj and data.verb files.

    Debian's wordnet-base package installs them; an empty dict is returned when absent.
    """
    antonyms: dict[str, str] = {}
    for name in ("data.adj", "data.verb"):
        path = Path(folder) / name
        if not path.exists():
            continue
        offsets: dict[str, list[str]] = {}
        pointers: list[tuple[str, str, int]] = []
        for line in path.read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue  # licence header
            fields = line.split(" | ")[0].split()
            offset, n_words = fields[0], int(fields[3], 16)
            words = [fields[4 + 2 * i].split("(")[0].lower() for i in range(n_words)]
            offsets[offset] = words
            pos = 4 + 2 * n_words
            n_ptr = int(fields[pos])
            for j in range(n_ptr):
                sym, target, _, srctgt = fields[pos + 1 + 4 * j : pos + 5 + 4 * j]
                if sym == "!":
                    src = int(srctgt[:2], 16)
                    pointers.append((words[src - 1] if src else words[0], target, int(srctgt[2:], 16)))
        for word, target, tgt in pointers:
            target_words = offsets.get(target, [])
            if target_words and "_" not in word:
                ant = target_words[tgt - 1] if tgt else target_words[0]
                if "_" not in ant:
                    antonyms.setdefault(word, ant)
    return antonyms


def _negate(doc) -> str | None:
    """Insert 'not' after the first auxiliary of the root verb, or use 'did not' for simple past."""
    root = next((t for t in doc if t.dep_ == "ROOT" and t.pos_ in {"VERB", "AUX"}), None)
    if root is None:
        return None
    if any(t.dep_ == "neg" for t in root.children):
        return None
    aux = next((t for t in root.children if t.dep_ in {"aux", "auxpass"} and t.i < root.i), None)
    if aux is None and root.pos_ == "AUX" and root.lemma_ == "be":
        aux = root
    text = doc.text
    if aux is not None:
        cut = aux.idx + len(aux.text)
        return text[:cut] + " not" + text[cut:]
    if root.tag_ == "VBD":
        return text[: root.idx] + "did not " + root.lemma_ + text[root.idx + len(root.text) :]
    if root.tag_ in {"VBZ", "VBP"}:
        aux_word = "does" if root.tag_ == "VBZ" else "do"
        return text[: root.idx] + f"{aux_word} not " + root.lemma_ + text[root.idx + len(root.text) :]
    return None


def _change_number(ent_text: str, rng: random.Random) -> str | None:
    match = re.search(r"\d[\d,]*(\.\d+)?", ent_text)
    if not match:
        return None
    raw = match.group(0).replace(",", "")
    value = float(raw)
    factor = rng.choice([0.5, 0.6, 0.75, 1.3, 1.5, 2.0, 3.0])
    new = value * factor if value >= 4 else value + rng.choice([2, 3, 5])
    new_text = (
        f"{new:.1f}"
        if "." in raw
        else f"{int(round(new)):,}"
        if "," in match.group(0)
        else str(int(round(new)))
    )
    if new_text == match.group(0):
        return None
    return ent_text[: match.start()] + new_text + ent_text[match.end() :]


def _compress(doc) -> str | None:
    """Drop one optional modifier of the root (prepositional phrase, adverbial clause, apposition)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    for child in root.children:
        # Only adjuncts that never carry a verb's argument: time/place/circumstance phrases and
        # adverbial clauses ("between Boeing and Lockheed" after "fought" is an argument).
        optional = child.dep_ == "advcl" or (child.dep_ == "prep" and child.lower_ in _ADJUNCT_PREPS)
        if optional and child.i > root.i:
            span = doc[child.left_edge.i : child.right_edge.i + 1]
            has_verb = any(t.pos_ in {"VERB", "AUX"} for t in span) and child.dep_ != "advcl"
            if 3 <= len(span) <= len(doc) - 6 and not has_verb:
                text = (doc.text[: span.start_char].rstrip(" ,") + doc.text[span.end_char :]).strip()
                return re.sub(r"\s+([.,])", r"\1", text)
    return None


def _hedge(doc, rng: random.Random) -> str | None:
    root = next((t for t in doc if t.dep_ == "ROOT" and t.pos_ == "VERB"), None)
    if root is None or not any(t.dep_ in {"nsubj", "nsubjpass"} for t in root.children):
        return None
    aux = next((t for t in root.children if t.dep_ in {"aux", "auxpass"} and t.i < root.i), None)
    anchor = aux if aux is not None else root
    word = rng.choice(_HEDGES)
    if aux is not None:  # "has reportedly signed"
        cut = anchor.idx + len(anchor.text)
        return doc.text[:cut] + f" {word}" + doc.text[cut:]
    return doc.text[: anchor.idx] + f"{word} " + doc.text[anchor.idx :]  # "reportedly signed"


def make_synthetic(
    sentences: pd.DataFrame, nlp, *, seed: int = 13, antonyms: dict[str, str] | None = None
) -> pd.DataFrame:
    """Perturbation pairs from news sentences, with the perturbation as category.

    contradiction: entity swapped for another of the same type from the same story (names,
    places, organisations, dates), number changed, negation, WordNet antonym; both directions.
    entailment: sentence => its compression, plain => hedged ("reportedly"); the reverses neutral.
    neutral: two sentences of the same story about different facts.
    """
    rng = random.Random(seed)
    antonyms = antonyms or {}
    docs = list(nlp.pipe(sentences["text"].tolist(), batch_size=64))
    pools: dict[tuple[str, str], list[str]] = {}
    for doc, topic in zip(docs, sentences["topic"], strict=True):
        for ent in doc.ents:
            if ent.label_ in SWAP_LABELS:
                pools.setdefault((topic, ent.label_), []).append(ent.text)
    rows: list[dict] = []
    negated_forms: list[tuple[str, str]] = []

    def add(p: str, h: str, label: str, category: str, group: str, both: str | None = None) -> None:
        if label == "contradiction" and rng.random() < 0.5:
            p, h = h, p  # contradiction is symmetric: one direction, chosen at random
        rows.append({"premise": p, "hypothesis": h, "label": label, "category": category, "group": group})
        if both and both != "contradiction":
            rows.append({"premise": h, "hypothesis": p, "label": both, "category": category, "group": group})

    for doc, row in zip(docs, sentences.itertuples(), strict=True):
        text, group = doc.text, row.doc
        ents = [e for e in doc.ents if e.label_ in SWAP_LABELS]
        if ents and rng.random() < _KEEP["entity"]:
            ent = rng.choice(ents)
            if ent.label_ in {"MONEY", "CARDINAL", "PERCENT"}:
                new = _change_number(ent.text, rng)
                category = "number"
            else:
                options = [
                    x
                    for x in set(pools.get((row.topic, ent.label_), []))
                    if x.lower() not in ent.text.lower() and ent.text.lower() not in x.lower()
                ]
                new = rng.choice(sorted(options)) if options else None
                category = {"PERSON": "name", "GPE": "place", "LOC": "place", "DATE": "date"}.get(
                    ent.label_, "entity"
                )
            if new:
                add(
                    text,
                    text[: ent.start_char] + new + text[ent.end_char :],
                    "contradiction",
                    category,
                    group,
                    "contradiction",
                )
        negated = _negate(doc)
        if negated and rng.random() < _KEEP["negation"]:
            add(text, negated, "contradiction", "negation", group, "contradiction")
            negated_forms.append((negated, group))
        swappable = [t for t in doc if t.pos_ in {"ADJ", "VERB"} and t.text.lower() in antonyms]
        if swappable and rng.random() < _KEEP["antonym"]:
            tok = rng.choice(swappable)
            add(
                text,
                text[: tok.idx] + antonyms[tok.text.lower()] + text[tok.idx + len(tok.text) :],
                "contradiction",
                "antonym",
                group,
                "contradiction",
            )
        compressed = _compress(doc)
        if compressed:
            add(text, compressed, "entailment", "compression", group, "neutral")
        hedged = _hedge(doc, rng)
        if hedged and rng.random() < _KEEP["hedge"]:
            add(text, hedged, "entailment", "hedge", group, "neutral")
    # A negated sentence entails itself and its own compression: without these pairs the model
    # learns that any "not" means contradiction (it called a sentence vs itself a contradiction).
    for doc, (negated, group) in zip(
        nlp.pipe([n for n, _ in negated_forms], batch_size=64), negated_forms, strict=True
    ):
        add(negated, negated, "entailment", "negated_identity", group)
        compressed = _compress(doc)
        if compressed:
            add(negated, compressed, "entailment", "negated_compression", group, "neutral")
    # Two sentences of one article about the same person or organisation but different facts are
    # neutral: news claims do not share SNLI's "same scene, different action = contradiction".
    by_entity: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for doc, row in zip(docs, sentences.itertuples(), strict=True):
        for ent in {e.text for e in doc.ents if e.label_ in {"PERSON", "ORG", "GPE"}}:
            by_entity.setdefault((row.doc, ent), []).append((row.idx, doc.text))
    for (doc_key, _), items in sorted(by_entity.items()):
        far = [(a, b) for i, a in enumerate(items) for b in items[i + 1 :] if b[0] - a[0] >= 3]
        for a, b in rng.sample(far, min(2, len(far))):
            add(a[1], b[1], "neutral", "same_entity", doc_key)
    by_doc = sentences.groupby("doc")["text"].apply(list).to_dict()
    for doc_key, texts in sorted(by_doc.items()):
        # sentences of one article, two apart, are about other facts (the last may have no partner)
        for a, b in zip(texts[::4], texts[2::4], strict=False):
            add(a, b, "neutral", "same_story", doc_key)
    df = pd.DataFrame(rows).drop_duplicates(["premise", "hypothesis"])
    df = df[(df["premise"] != df["hypothesis"]) | (df["category"] == "negated_identity")]
    df["source"] = "synthetic"
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Templated assertion-strength pairs from slot lists the team wrote
# --------------------------------------------------------------------------------------------

SUBJECTS = [
    "Russia",
    "The government",
    "The European Union",
    "Germany",
    "The union",
    "The board",
    "Ukraine",
    "The company",
    "The central bank",
    "China",
    "The committee",
    "The prime minister",
    "The opposition",
    "The United States",
    "Japan",
    "The regulator",
    "The city council",
    "The federation",
    "Brazil",
    "The cabinet",
]
# The demo corpus's own object ("security guarantees for Ukraine") is deliberately absent, so the
# demo's agreed / did-not-object pair is not a template the model was trained on.
OBJECTS = [
    "security assurances for the region",
    "the ceasefire proposal",
    "the peace plan",
    "the merger",
    "new sanctions",
    "the budget",
    "the trade deal",
    "the prisoner exchange",
    "the tax reform",
    "the rescue package",
    "the new pipeline",
    "a joint inquiry",
    "the wage offer",
    "the election timetable",
    "the climate targets",
    "the debt restructuring",
    "the border agreement",
    "the hospital closures",
]
STRONG = ["agreed to", "accepted", "approved", "endorsed", "backed", "signed off on"]
WEAK = ["did not object to", "did not rule out", "did not reject", "discussed", "considered"]
CONTRARY = ["rejected", "refused", "opposed", "vetoed", "blocked"]
NEGATED_WEAK = {
    "did not object to": "objected to",
    "did not rule out": "ruled out",
    "did not reject": "rejected",
}
# What each contrary verb entails: refusing is not accepting (the reverse does not hold).
CONTRARY_IMPLIES = {
    "rejected": "did not accept",
    "refused": "did not agree to",
    "opposed": "did not back",
    "vetoed": "did not approve",
    "blocked": "did not approve",
}


def make_strength_pairs(seed: int = 13) -> pd.DataFrame:
    """Assertion strength on team-written templates: "S agreed to O" => "S did not object to O"
    (entailment), the reverse neutral; agreed vs rejected and "did not object" vs "objected"
    contradict; another actor or object is neutral. Grouped by object for the held-out split."""
    rng = random.Random(seed)
    rows = []

    def add(p: str, h: str, label: str, group: str) -> None:
        rows.append(
            {
                "premise": p + ".",
                "hypothesis": h + ".",
                "label": label,
                "category": "strength_template",
                "group": group,
            }
        )

    for oi, obj in enumerate(OBJECTS):
        group = f"tpl{oi:02d}"
        for subj in SUBJECTS:
            strong, weak, contrary = rng.choice(STRONG), rng.choice(WEAK), rng.choice(CONTRARY)
            add(f"{subj} {strong} {obj}", f"{subj} {weak} {obj}", "entailment", group)
            add(f"{subj} {weak} {obj}", f"{subj} {strong} {obj}", "neutral", group)
            pair = [f"{subj} {strong} {obj}", f"{subj} {contrary} {obj}"]
            rng.shuffle(pair)
            add(*pair, "contradiction", group)
            if weak in NEGATED_WEAK and rng.random() < 0.5:
                add(f"{subj} {weak} {obj}", f"{subj} {NEGATED_WEAK[weak]} {obj}", "contradiction", group)
            if rng.random() < 0.3:
                other = rng.choice([s for s in SUBJECTS if s != subj])
                add(f"{subj} {strong} {obj}", f"{other} {strong} {obj}", "neutral", group)
            if rng.random() < 0.3:
                add(f"{subj} {weak} {obj}", f"{subj} {weak} {obj}", "entailment", group)
            # Contrary verbs must not mean "contradiction" by themselves (run 2 learned that):
            # they also entail, are entailed, and sit beside unrelated facts of the same actor.
            add(f"{subj} {contrary} {obj}", f"{subj} {CONTRARY_IMPLIES[contrary]} {obj}", "entailment", group)
            add(f"{subj} {CONTRARY_IMPLIES[contrary]} {obj}", f"{subj} {contrary} {obj}", "neutral", group)
            if rng.random() < 0.3:
                add(f"{subj} {contrary} {obj}", f"{subj} {contrary} {obj}", "entailment", group)
            if rng.random() < 0.4:
                other = rng.choice([s for s in SUBJECTS if s != subj])
                add(f"{subj} {contrary} {obj}", f"{other} {contrary} {obj}", "neutral", group)
            if rng.random() < 0.5:
                obj2 = rng.choice([o for o in OBJECTS if o != obj])
                pair = [f"{subj} {rng.choice(STRONG + WEAK)} {obj2}", f"{subj} {contrary} {obj}"]
                rng.shuffle(pair)
                add(*pair, "neutral", group)
    return pd.DataFrame(rows).drop_duplicates(["premise", "hypothesis"]).assign(source="synthetic")
