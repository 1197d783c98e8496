"""The one error type of the corpus readers: it always names the file and the line."""

from __future__ import annotations


class CorpusFormatError(ValueError):
    """Malformed corpus input. Readers raise it instead of skipping anything."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
