"""Offence classification throughput: labels per second, cold (every label new) and warm.

Run:  .venv/bin/python bench/offences.py [--labels 20000] [--repeat 5] [--json]

The corpus is generated from a fixed seed (real label shapes: case, accents, legal
phrasing, article numbers, statutes in parentheses) and its SHA-256 is printed, so two runs
can be checked to have measured the same labels. "Cold" clears the classifier's caches
before each pass and uses labels that are all different; "warm" classifies the same corpus
again with the caches full, as a batch of repeated labels does. Figures are the best of
``--repeat``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time

from adapters.sdk.normalize import _stem, offences
from adapters.sdk.normalize.text import fold

BASE = [
    "Tráfico ilícito de drogas", "tráfico de estupefacientes", "narcotráfico",
    "Tránsito internacional de drogas", "posesión para el consumo", "tráfico de drogas",
    "drug trafficking", "trafic de stupéfiants",
    "Trata de personas con fines de explotación sexual",
    "Tráfico internacional de pessoa para fim de exploração sexual", "traite des êtres humains",
    "tráfico ilícito de migrantes", "migrant smuggling", "tráfico ilícito de armas de fuego",
    "portación ilegal de armas de fuego", "Tráfico internacional de arma de fogo",
    "trafic d'armes", "Lavado de dinero u otros activos", "lavagem de dinheiro",
    "money laundering", "cohecho", "peculado", "enriquecimiento ilícito", "corrupção passiva",
    "acceso ilícito a sistemas informáticos", "ransomware", "secuestro extorsivo",
    "extorsão mediante sequestro", "extorsión", "minería ilegal", "tala ilegal",
    "tráfico de fauna silvestre", "crimes contra o meio ambiente", "asociación ilícita",
    "organização criminosa", "homicidio calificado", "estafa", "falsificación de documentos",
    "terrorismo", "robo agravado", "infracción de tránsito", "daños", "Otros",
]  # fmt: skip
PREFIXES = ["", "", "Delito de ", "Crime de ", "Infracción a la ley de ", "Presunto "]
SUFFIXES = ["", "", " agravado", " en grado de tentativa", " internacional", " transnacional"]


def build_corpus(count: int) -> tuple[list[str], str]:
    rng = random.Random(20261128)
    labels = []
    for i in range(count):
        label = rng.choice(PREFIXES) + rng.choice(BASE) + rng.choice(SUFFIXES)
        shape = rng.randrange(4)
        if shape == 1:
            label = fold(label).upper()
        elif shape == 2:
            label = label.title()
        label += f" (art. {i}, Ley {rng.randrange(1000, 99999)})"
        labels.append(label)
    digest = hashlib.sha256("\n".join(labels).encode()).hexdigest()
    return labels, digest


def _clear_caches() -> None:
    offences._code_of.cache_clear()
    _stem.stem.cache_clear()


def measure(labels: list[str], repeat: int, *, warm: bool) -> float:
    best = 0.0
    for _ in range(repeat):
        _clear_caches()
        if warm:
            for label in labels:
                offences.classify(label)
        start = time.perf_counter()
        for label in labels:
            offences.classify(label)
        elapsed = time.perf_counter() - start
        best = max(best, len(labels) / elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    labels, digest = build_corpus(args.labels)
    offences.vocabulary()  # loading the vocabulary is start-up, not throughput
    coded = sum(offences.classify(label) is not None for label in labels)
    result = {
        "labels": len(labels),
        "corpus_sha256": digest,
        "classified": coded,
        "cold_labels_per_s": round(measure(labels, args.repeat, warm=False)),
        "warm_labels_per_s": round(measure(labels, args.repeat, warm=True)),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
