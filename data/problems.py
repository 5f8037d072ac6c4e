"""Problems with the input, worded for the person who made the file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, worded for the person who made the file."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    line_word: str = "line"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" {self.line_word} {self.line}"
        if self.column:
            where += f", {self.column}"
        value = "" if self.value is None else f'"{_shorten(self.value)}" '
        return f"{where}: {value}{self.message}"


class DatasetError(Exception):
    """The dataset was refused; ``problems`` says why, one line each."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _shorten(value: str, limit: int = 60) -> str:
    text = value.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
