"""The district's own labels for activities, statuses, stages and approaches.

A label matches its canonical term when it is a known synonym, or when it only adds a hint in
parentheses or a few words and still names one term (`Planning (with teacher)`, `Co-planning
session`). A label naming two terms (`Co-teaching / co-planning`) is never guessed: the district
says what it means under `vocabulary:` in the config, which also maps any label of its own.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pandas as pd

from core import parse
from core.schema import vocabulary_key

EXTRA_WORDS = 3
"""How many words a label may add to the term it names and still be read as that term."""


@dataclass(frozen=True)
class TwoTerms:
    """A label that names more than one term: read as nothing until the config says which."""

    terms: tuple[Enum, ...]


@dataclass(frozen=True)
class Labels:
    """A column's labels read: the term per row, and what needs a person."""

    values: pd.Series
    """The term per row (None: blank, unknown or naming two terms)."""
    unknown: pd.Series
    two_terms: pd.Series
    """Per row: the label as written where it names more than one term, else None."""
    terms_of: dict[str, tuple[Enum, ...]]
    """Those labels and the terms each names."""
    guessed: dict[str, Enum]
    """Labels read by the words they contain rather than as written, for `check` to show."""


def resolve(text: str, lookup: Mapping[str, Enum], district: Mapping[str, Enum]
            ) -> Enum | TwoTerms | None:
    """The term a label names: the district's own mapping first, then the synonyms, then the
    label less its hints, then the terms found in its words."""
    for candidate in (text, re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)):
        key = vocabulary_key(candidate)
        if key in district or key in lookup:
            return district.get(key) or lookup[key]
    return _by_words(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text), {**lookup, **district})


def _by_words(text: str, lookup: Mapping[str, Enum]) -> Enum | TwoTerms | None:
    """Every run of words that is a known label; the longest runs decide."""
    words = re.findall(r"[0-9a-z]+", text.lower())
    spans = [(i, j) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
             if "".join(words[i:j]) in lookup]
    longest = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1]
                                           for o in spans)]
    terms = list(dict.fromkeys(lookup["".join(words[i:j])] for i, j in longest))
    if len(terms) > 1:
        return TwoTerms(tuple(terms))
    covered = {k for i, j in longest for k in range(i, j)}
    if terms and len(words) - len(covered) <= EXTRA_WORDS:
        return terms[0]
    return None


def read_labels(series: pd.Series, lookup: Mapping[str, Enum],
                district: Mapping[str, Enum]) -> Labels:
    """Each distinct label resolved once and spread over the rows."""
    district = {vocabulary_key(k): v for k, v in district.items()}
    guessed: dict[str, Enum] = {}
    terms_of: dict[str, tuple[Enum, ...]] = {}

    def one(value: Any) -> Any:
        if parse.is_blank(value):
            return None
        text = parse.text_of(value)
        found = resolve(text, lookup, district)
        key = vocabulary_key(text)
        if isinstance(found, Enum) and key not in lookup and key not in district:
            guessed[text] = found
        if isinstance(found, TwoTerms):
            terms_of[text] = found.terms
            return text
        return found
    answers = parse.per_distinct(series, one)
    blank = parse.blank_mask(series)
    terms = parse.per_distinct(answers, lambda a: a if isinstance(a, Enum) else None)
    two = parse.per_distinct(answers, lambda a: a if isinstance(a, str) else None)
    unknown = parse.per_distinct(answers, lambda a: a is None).astype(bool) & ~blank
    return Labels(terms, unknown, two, terms_of, guessed)
