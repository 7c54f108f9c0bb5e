"""Finding the line of a table or key in a TOML text, to name it in errors.

``tomllib`` returns plain dicts without positions. This scan knows just
enough TOML (table headers, arrays of tables, ``key =`` lines, multi-line
strings) to point at where an entry was written; when it cannot tell, it
falls back to the entry's header line, then to 0 (no line).
"""

from __future__ import annotations

import re
from collections import Counter

_ARRAY_HEADER = re.compile(r"^\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

Place = tuple[str, int]


class LineIndex:
    def __init__(self, text: str) -> None:
        self._headers: dict[Place, int] = {}
        self._keys: dict[tuple[str, int, str], int] = {}
        self._scan(text)

    def line(self, table: str = "", index: int = 0, key: str | None = None) -> int:
        if key is not None:
            found = self._keys.get((table, index, key))
            if found:
                return found
        return self._headers.get((table, index), 0)

    def _scan(self, text: str) -> None:
        seen: Counter[str] = Counter()
        place: Place = ("", 0)
        in_string = False
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if in_string:
                in_string = _toggles_string(line) != in_string
                continue
            if match := _ARRAY_HEADER.match(line):
                name = match[1]
                place = (name, seen[name])
                seen[name] += 1
                self._headers[place] = number
            elif match := _TABLE_HEADER.match(line):
                place = (match[1], 0)
                self._headers[place] = number
            elif match := _KEY.match(line):
                key = match[1].strip("\"'")
                self._keys.setdefault((*place, key), number)
                in_string = _toggles_string(line)


def _toggles_string(line: str) -> bool:
    """Whether a line opens (or closes) a multi-line string without closing it."""
    return (line.count('"""') + line.count("'''")) % 2 == 1
