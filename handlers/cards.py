"""Adaptive Cards from the templates in ``manifest/cards``.

Templates use a small subset of the Adaptive Card Templating language
(https://learn.microsoft.com/adaptive-cards/templating/language): ``${path}``
binds a value (a whole-string binding keeps its type), ``$data`` repeats an
element for each item of a list, ``$when`` keeps an element only if its binding
is truthy, and ``$root.`` reaches the top of the data from inside a repeat.
Webex renders cards of schema 1.3 (shared/reference/webex-platform.md, section 6).
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

from handlers.texts import MANIFEST

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
_BINDING = re.compile(r"\$\{([^}]+)\}")


@cache
def _load(name: str) -> dict:
    with open(MANIFEST / "cards" / f"{name}.json", encoding="utf-8") as file:
        return json.load(file)


def template_names() -> list[str]:
    return sorted(path.stem for path in (MANIFEST / "cards").glob("*.json"))


def render_card(name: str, data: dict[str, Any]) -> dict:
    """The card ``name`` with ``data`` bound into it."""
    return _expand(copy.deepcopy(_load(name)), data, data)


def _expand(node: Any, data: Any, root: dict) -> Any:
    if isinstance(node, dict):
        return {key: _expand(value, data, root) for key, value in node.items()}
    if isinstance(node, list):
        return [
            item for element in node for item in _expand_element(element, data, root)
        ]
    if isinstance(node, str):
        return _bind(node, data, root)
    return node


def _expand_element(element: Any, data: Any, root: dict) -> list[Any]:
    if not isinstance(element, dict):
        return [_expand(element, data, root)]
    element = dict(element)
    scopes = [data]
    if "$data" in element:
        scopes = _bind(element.pop("$data"), data, root) or []
    results = []
    for scope in scopes:
        when = element.get("$when")
        if when is not None and not _bind(when, scope, root):
            continue
        body = {key: value for key, value in element.items() if key != "$when"}
        results.append(_expand(body, scope, root))
    return results


def _bind(text: str, data: Any, root: dict) -> Any:
    whole = _BINDING.fullmatch(text)
    if whole:
        return _resolve(whole.group(1), data, root)
    return _BINDING.sub(lambda match: str(_resolve(match.group(1), data, root)), text)


def _resolve(path: str, data: Any, root: dict) -> Any:
    path = path.strip()
    if path.startswith("$root."):
        data, path = root, path[len("$root.") :]
    value = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(f"card binding ${{{path}}} has no value")
        value = value[part]
    return value
