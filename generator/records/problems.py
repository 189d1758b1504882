"""Problems are data: every check yields them, reporters print them, nothing raises."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.common.quoting import LINE_LIMIT, LIMIT, escape

ERROR = "error"
WARNING = "warning"

SEVERITY_ZH = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # repository-relative, forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    rule: str
    message: str
    severity: str = ERROR
    field: str = ""  # dotted path of the field concerned, e.g. "societies.0.role"

    def __post_init__(self):
        # the last line of defence for item 4 of issue #10: whatever a check forgot to quote, a
        # problem's text is one printable, bounded line (escape is a no-op on already quoted text)
        object.__setattr__(self, "path", escape(self.path))
        object.__setattr__(self, "message", escape(self.message, LINE_LIMIT))
        object.__setattr__(self, "field", escape(self.field, LIMIT * 4))

    def sort_key(self):
        return (self.path, self.line, self.column, self.rule, self.message)


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems), key=Problem.sort_key)
