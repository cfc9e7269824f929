"""Problems found in the ledger, as values.

Every problem carries the file, a 1-based line and column (0 when unknown), a stable
``code`` that tests and scripts key on, a severity and a Chinese message plus hint.
``loc`` is the path inside the YAML document (``("milestones", 2, "actual")``); a
diagnostic created without a line is located later from ``loc`` (see ``locate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from baozufang_cli.ledger.characters import visible

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Diagnostic:
    path: str  # relative to the ledger root when inside it, posix separators
    code: str
    message: str
    severity: Severity = "error"
    line: int = 0
    col: int = 0
    hint: str = ""
    loc: Loc = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def at(self, line: int, col: int) -> Diagnostic:
        return replace(self, line=line, col=col)

    def format(self) -> str:
        """``path:line:col: code: message，hint`` — the compiler-style line."""
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        level = "" if self.is_error else "警告 "
        text = f"{where}: {level}{self.code}: {self.message}"
        if self.hint:
            text += f"，{self.hint}"
        return visible(text)  # a file name or an echoed value never reaches the terminal raw

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }

    def to_cache(self) -> tuple[Any, ...]:
        return (self.path, self.code, self.message, self.severity, self.line, self.col, self.hint, self.loc)

    @classmethod
    def from_cache(cls, values: tuple[Any, ...] | list[Any]) -> Diagnostic:
        path, code, message, severity, line, col, hint, loc = values
        return cls(path, code, message, severity, line, col, hint, tuple(loc))


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.code)


def count_errors(diagnostics: list[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.is_error)
