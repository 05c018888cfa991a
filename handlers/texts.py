"""Every text a person reads, from ``manifest/messages/<language>.toml``.

A key is a dotted path (``error.no_line``); a text is a ``str.format`` template.
A language file may leave keys out: English fills the gaps.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parent.parent / "manifest"
FALLBACK_LANGUAGE = "en"


def available_languages() -> list[str]:
    return sorted(path.stem for path in (MANIFEST / "messages").glob("*.toml"))


class Texts:
    def __init__(self, language: str = FALLBACK_LANGUAGE) -> None:
        self.language = language
        self._catalogs = [_load(language)]
        if language != FALLBACK_LANGUAGE:
            self._catalogs.append(_load(FALLBACK_LANGUAGE))

    def get(self, key: str) -> Any:
        """The raw entry at ``key`` (a string, list or table)."""
        for catalog in self._catalogs:
            value = _lookup(catalog, key)
            if value is not None:
                return value
        raise KeyError(f"no text {key!r} in manifest/messages")

    def render(self, key: str, **params: object) -> str:
        """The text at ``key`` with ``params`` filled in."""
        return str(self.get(key)).format(**params).strip()


def _load(language: str) -> dict[str, Any]:
    with open(MANIFEST / "messages" / f"{language}.toml", "rb") as file:
        return tomllib.load(file)


def _lookup(catalog: dict[str, Any], key: str) -> Any:
    value: Any = catalog
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value
