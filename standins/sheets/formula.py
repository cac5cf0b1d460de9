"""A small formula evaluator, so FORMATTED/UNFORMATTED reads of simple formulas return values.

Supported: numbers, "strings", TRUE/FALSE, cell and range references (optionally on another
sheet), + - * / ^ & % and comparisons, and SUM AVERAGE MIN MAX COUNT COUNTA IF ROUND ABS AND OR
NOT CONCATENATE LEN UPPER LOWER TRIM. Anything else raises Unsupported, and the caller then shows
the formula text itself - a visible marker rather than a made-up value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .a1 import column_index
from .numfmt import format_general


class Unsupported(Exception):
    "The formula uses syntax or a function this evaluator does not know."


@dataclass(frozen=True)
class FormulaError:
    """A spreadsheet error value such as #DIV/0!."""

    code: str
    type: str
    message: str


Scalar = float | str | bool | None | FormulaError
Grid = list[list[Scalar]]
# (sheet title or None, r0, r1, c0, c1) with None ends open -> 2-D values
Resolver = Callable[[str | None, int, int | None, int, int | None], Grid]

DIV0 = FormulaError("#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
VALUE = FormulaError("#VALUE!", "VALUE", "Function expects number values.")
NA = FormulaError("#N/A", "N_A", "Wrong number of arguments.")

_TOKEN_RE = re.compile(
    r"""\s*(?:
      (?P<ref>(?:'(?:[^']|'')+'!|[A-Za-z_][A-Za-z0-9_]*!)?
              (?:\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}))
     |(?P<func>[A-Za-z][A-Za-z0-9_.]*)\s*\(
     |(?P<number>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)
     |(?P<string>"(?:[^"]|"")*")
     |(?P<op><=|>=|<>|[-+*/^&=<>%(),:])
     |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


def evaluate(formula: str, resolve: Resolver) -> Scalar:
    """Evaluate `=...` text; raises Unsupported for anything outside the supported subset."""
    parser = _Parser(_tokenize(formula.lstrip("=")), resolve)
    result = parser.expression()
    if parser.pos != len(parser.tokens):
        raise Unsupported(formula)
    return _scalar(result)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            raise Unsupported(text)
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent over Sheets precedence: compare < & < +- < */ < ^ < unary < %."""

    def __init__(self, tokens: list[tuple[str, str]], resolve: Resolver) -> None:
        self.tokens, self.pos, self.resolve = tokens, 0, resolve

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def expect(self, value: str) -> None:
        if self.take() != ("op", value):
            raise Unsupported(value)

    def expression(self) -> Any:
        left = self.concat()
        while self.peek()[1] in ("=", "<>", "<", ">", "<=", ">=") and self.peek()[0] == "op":
            op = self.take()[1]
            left = _compare(op, _scalar(left), _scalar(self.concat()))
        return left

    def concat(self) -> Any:
        left = self.additive()
        while self.peek() == ("op", "&"):
            self.take()
            left = _join(_scalar(left), _scalar(self.additive()))
        return left

    def additive(self) -> Any:
        left = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            left = _arith(op, _scalar(left), _scalar(self.term()))
        return left

    def term(self) -> Any:
        left = self.power()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            left = _arith(op, _scalar(left), _scalar(self.power()))
        return left

    def power(self) -> Any:
        left = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            left = _arith("^", _scalar(left), _scalar(self.unary()))
        return left

    def unary(self) -> Any:
        if self.peek() in (("op", "-"), ("op", "+")):
            op = self.take()[1]
            return _arith("*", -1.0 if op == "-" else 1.0, _scalar(self.unary()))
        value = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            value = _arith("/", _scalar(value), 100.0)
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "name" and text.upper() in ("TRUE", "FALSE"):
            return text.upper() == "TRUE"
        if kind == "ref":
            return _reference(text, self.resolve)
        if kind == "func":
            return self.call(text.upper())
        if (kind, text) == ("op", "("):
            value = self.expression()
            self.expect(")")
            return value
        raise Unsupported(text)

    def call(self, name: str) -> Any:
        if name not in FUNCTIONS:
            raise Unsupported(name)
        args: list[Any] = []
        if self.peek() != ("op", ")"):
            args.append(self.expression())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.expression())
        self.expect(")")
        return FUNCTIONS[name](args)


def _reference(text: str, resolve: Resolver) -> Grid:
    sheet: str | None = None
    if "!" in text:
        sheet, text = text.rsplit("!", 1)
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
    corners = [c.replace("$", "") for c in text.split(":")]
    cols = [column_index(re.sub(r"\d", "", c)) for c in corners]
    rows = [int(re.sub(r"\D", "", c)) - 1 if re.search(r"\d", c) else None for c in corners]
    if len(corners) == 1:
        return resolve(sheet, rows[0] or 0, (rows[0] or 0) + 1, cols[0], cols[0] + 1)
    r0, r1 = rows[0], rows[1]
    start_row = 0 if r0 is None else min(r0, r1 if r1 is not None else r0)
    end_row = None if r1 is None else max(r0 or 0, r1) + 1
    return resolve(sheet, start_row, end_row, min(cols), max(cols) + 1)


def _scalar(value: Any) -> Scalar:
    """A 1x1 range collapses to its value; a larger range in scalar context is #VALUE!."""
    if isinstance(value, list):
        flat = [v for row in value for v in row]
        if len(value) == 1 and len(value[0]) == 1:
            return flat[0]
        return VALUE if flat else None
    return value


def to_number(value: Scalar) -> float | FormulaError:
    if isinstance(value, FormulaError):
        return value
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    try:
        return float(str(value).strip()) if str(value).strip() else 0.0
    except ValueError:
        return VALUE


def to_text(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_general(value)
    if isinstance(value, FormulaError):
        return value.code
    return str(value)


def _arith(op: str, left: Scalar, right: Scalar) -> Scalar:
    a, b = to_number(left), to_number(right)
    if isinstance(a, FormulaError):
        return a
    if isinstance(b, FormulaError):
        return b
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return DIV0 if b == 0 else a / b
    try:
        return float(a**b)
    except (OverflowError, ZeroDivisionError, TypeError):
        return VALUE


def _join(left: Scalar, right: Scalar) -> Scalar:
    for side in (left, right):
        if isinstance(side, FormulaError):
            return side
    return to_text(left) + to_text(right)


def _compare(op: str, left: Scalar, right: Scalar) -> Scalar:
    for side in (left, right):
        if isinstance(side, FormulaError):
            return side
    a: Any = left if left is not None else (0.0 if isinstance(right, float) else "")
    b: Any = right if right is not None else (0.0 if isinstance(left, float) else "")
    if not (isinstance(a, float) and isinstance(b, float)):
        a, b = to_text(a).lower(), to_text(b).lower()
    return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def _values(args: list[Any]) -> list[Scalar]:
    out: list[Scalar] = []
    for arg in args:
        out.extend(v for row in arg for v in row) if isinstance(arg, list) else out.append(arg)
    return out


def _numbers(args: list[Any]) -> list[float] | FormulaError:
    """Numbers from ranges (text and blanks skipped) and direct arguments (coerced)."""
    found: list[float] = []
    for arg in args:
        cells = [v for row in arg for v in row] if isinstance(arg, list) else None
        for value in cells if cells is not None else [arg]:
            if isinstance(value, FormulaError):
                return value
            if cells is not None and not isinstance(value, float):
                continue
            number = to_number(value)
            if isinstance(number, FormulaError):
                return number
            found.append(number)
    return found


def _aggregate(reduce: Callable[[list[float]], Scalar]) -> Callable[[list[Any]], Scalar]:
    def apply(args: list[Any]) -> Scalar:
        numbers = _numbers(args)
        return numbers if isinstance(numbers, FormulaError) else reduce(numbers)

    return apply


def _if(args: list[Any]) -> Scalar:
    if not 1 < len(args) < 4:
        return NA
    condition = _scalar(args[0])
    if isinstance(condition, FormulaError):
        return condition
    truth = bool(to_number(condition)) if not isinstance(condition, str) else bool(condition)
    if truth:
        return _scalar(args[1])
    return _scalar(args[2]) if len(args) == 3 else False


def _round(args: list[Any]) -> Scalar:
    value = to_number(_scalar(args[0]))
    places = to_number(_scalar(args[1])) if len(args) > 1 else 0.0
    if isinstance(value, FormulaError) or isinstance(places, FormulaError):
        return VALUE
    factor = 10 ** int(places)
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) * factor + 0.5 + 1e-9) / factor


def _text_fn(fn: Callable[[str], Scalar]) -> Callable[[list[Any]], Scalar]:
    return lambda args: NA if len(args) != 1 else fn(to_text(_scalar(args[0])))


FUNCTIONS: dict[str, Callable[[list[Any]], Scalar]] = {
    "SUM": _aggregate(lambda n: float(sum(n))),
    "AVERAGE": _aggregate(lambda n: sum(n) / len(n) if n else DIV0),
    "MIN": _aggregate(lambda n: min(n) if n else 0.0),
    "MAX": _aggregate(lambda n: max(n) if n else 0.0),
    "COUNT": lambda args: float(sum(isinstance(v, float) for v in _values(args))),
    "COUNTA": lambda args: float(sum(v not in (None, "") for v in _values(args))),
    "IF": _if,
    "ROUND": _round,
    "ABS": _aggregate(lambda n: abs(n[0]) if len(n) == 1 else NA),
    "AND": lambda args: all(bool(to_number(v)) for v in _values(args)),
    "OR": lambda args: any(bool(to_number(v)) for v in _values(args)),
    "NOT": lambda args: not bool(to_number(_scalar(args[0]))) if len(args) == 1 else NA,
    "CONCATENATE": lambda args: "".join(to_text(v) for v in _values(args)),
    "LEN": _text_fn(lambda s: float(len(s))),
    "UPPER": _text_fn(str.upper),
    "LOWER": _text_fn(str.lower),
    "TRIM": _text_fn(lambda s: " ".join(s.split())),
}
