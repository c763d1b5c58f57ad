"""The one error a reader raises: it names the file and says, in Chinese, what is wrong."""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be read as an annual report."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class NotAReport(ReadError):
    """A readable file in which no annual-report table could be found."""
