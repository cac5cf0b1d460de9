"""Counts in words, singular or plural as a person writes them: "1 error", "2 errors"."""
from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """The word alone, for the caller to put the number beside: 'row' or 'rows'."""
    return word if n == 1 else (many or f"{word}s")


def counted(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {plural(n, word, many)}"
