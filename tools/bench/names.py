"""Which person names on real news the misspelling rule calls two spellings of one name.

    python -m tools.bench.names [--data ../shared/data] [--out docs/bench/names]

spaCy tags the person names of every ECB+ document (grouped by topic: articles on two look-alike
events) and of FNC-1 bodies (in groups of 40); every two distinct names of one group seen in different
articles go through ``checker.rules.details.misspelt``. Prints and saves (names.json, names.md) the
pairs it accepts, to be read by hand: each should be one name written two ways.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import sys
from pathlib import Path

import pandas as pd

from checker.models.nlp import load_spacy
from checker.rules.details import misspelt
from tools.bench import common as bc
from tools.nli_model.data import detok

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "bench" / "names"


def groups(data: Path) -> dict[str, list[tuple[str, str]]]:
    """(article id, text) per group: ECB+ topics and FNC-1 bodies in groups of 40."""
    out: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    with (data / "clustering/ecbplus/ecbplus_docs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            out[f"ecb{d['topic']}"].append((d["doc_id"], detok(" ".join(d["sentences"][1:]))))
    bodies = pd.read_csv(data / "stance/fnc-1/bodies.csv")
    for i, (bid, body) in enumerate(zip(bodies["Body ID"], bodies["articleBody"], strict=True)):
        out[f"fnc{i // 40}"].append((f"fnc{bid}", str(body)[:6000]))
    return out


def misspelt_pairs(data: Path) -> tuple[int, list[dict]]:
    nlp = load_spacy()
    found, n_names = [], 0
    for group, arts in groups(data).items():
        names: dict[str, set[str]] = {}
        for article_id, text in arts:
            for ent in nlp(text[:20000]).ents:
                if ent.label_ == "PERSON":
                    names.setdefault(ent.text.strip(), set()).add(article_id)
        n_names += len(names)
        for x, y in itertools.combinations(sorted(names), 2):
            if names[x] != names[y] and misspelt(
                {"text": x, "label": "PERSON"}, {"text": y, "label": "PERSON"}
            ):
                found.append(
                    {"group": group, "a": x, "b": y, "articles_a": len(names[x]), "articles_b": len(names[y])}
                )
    return n_names, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    n_names, found = misspelt_pairs(args.data)
    record = bc.run_record("tools.bench.names", sys.argv[1:] if argv is None else argv)
    report = {"record": record, "distinct_person_names": n_names, "pairs": found}
    lines = [f"distinct person names: {n_names}; pairs called misspelt: {len(found)}", ""]
    lines += [f"- {f['group']}: {f['a']} / {f['b']}" for f in found]
    markdown = (
        "# Misspelt names on real news\n\n" + bc.record_markdown(record) + "\n\n" + "\n".join(lines) + "\n"
    )
    bc.save(args.out, "names", report, markdown)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
