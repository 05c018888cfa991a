"""Render message markdown as Webex reports it back: plain ``text``, ``html``, mentions.

Covers what bots send: mentions (``<@personId:ID|Name>``, ``<@personEmail:EMAIL|Name>``,
``<@all>``), bold, italics, inline code, links, headings, lists, quotes and fenced code.
The html is a close approximation of Webex's (paragraphs in ``<p>``, mentions as
``<spark-mention>``); the plain text keeps the source's lines without the markup.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

Resolve = Callable[[str, str], dict | None]

_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|<@(?P<kind>personId|personEmail):(?P<who>[^|>]+)(?:\|(?P<name>[^>]*))?>"
    r"|<@all(?:\|(?P<all_name>[^>]*))?>"
    r"|\[(?P<label>[^\]]+)\]\((?P<href>[^)\s]+)\)"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|\*(?!\s)(?P<em>.+?)(?<!\s)\*"
    r"|(?<!\w)_(?!\s)(?P<em2>.+?)(?<!\s)_(?!\w)"
)
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
_QUOTE = re.compile(r"^>\s?(.*)$")
_FENCE = "```"


@dataclass
class Rendered:
    """What Webex derives from a message's markdown."""

    text: str
    html: str
    mentioned_people: list[str] = field(default_factory=list)
    mentioned_groups: list[str] = field(default_factory=list)


def render(markdown: str, resolve: Resolve) -> Rendered:
    """Render markdown; ``resolve(kind, value)`` finds the person a mention names."""
    rendered = Rendered(text="", html="")
    renderer = _Inline(resolve, rendered)
    rendered.text = "\n".join(_text_lines(markdown.split("\n"), renderer)).strip()
    rendered.html = "".join(_html_blocks(markdown.split("\n"), renderer))
    return rendered


class _Inline:
    """Renders one line's inline markup to (text, html), collecting its mentions."""

    def __init__(self, resolve: Resolve, rendered: Rendered) -> None:
        self._resolve = resolve
        self._rendered = rendered

    def text(self, line: str) -> str:
        return self._render(line)[0]

    def html(self, line: str) -> str:
        return self._render(line)[1]

    def _render(self, line: str) -> tuple[str, str]:
        texts, htmls, position = [], [], 0
        for match in _INLINE.finditer(line):
            plain = line[position : match.start()]
            texts.append(plain)
            htmls.append(html.escape(plain, quote=False))
            text, markup = self._token(match)
            texts.append(text)
            htmls.append(markup)
            position = match.end()
        rest = line[position:]
        return "".join(texts) + rest, "".join(htmls) + html.escape(rest, quote=False)

    def _token(self, match: re.Match) -> tuple[str, str]:
        groups = match.groupdict()
        if groups["code"] is not None:
            return groups[
                "code"
            ], f"<code>{html.escape(groups['code'], quote=False)}</code>"
        if groups["kind"] is not None:
            return self._mention(groups["kind"], groups["who"], groups["name"])
        if groups["label"] is not None:
            label, markup = self._render(groups["label"])
            return label, f'<a href="{html.escape(groups["href"])}">{markup}</a>'
        if match.group(0).startswith("<@all"):
            return self._all_mention(groups["all_name"] or "All")
        inner = groups["bold"] or groups["em"] or groups["em2"]
        tag = "strong" if groups["bold"] is not None else "em"
        text, markup = self._render(inner)
        return text, f"<{tag}>{markup}</{tag}>"

    def _mention(self, kind: str, who: str, name: str | None) -> tuple[str, str]:
        person = self._resolve(kind, who.strip())
        if person is None:
            label = name or who
            return label, html.escape(label, quote=False)
        label = name or person["displayName"]
        if person["id"] not in self._rendered.mentioned_people:
            self._rendered.mentioned_people.append(person["id"])
        markup = (
            f'<spark-mention data-object-type="person" data-object-id="{person["id"]}">'
            f"{html.escape(label, quote=False)}</spark-mention>"
        )
        return label, markup

    def _all_mention(self, label: str) -> tuple[str, str]:
        if "all" not in self._rendered.mentioned_groups:
            self._rendered.mentioned_groups.append("all")
        markup = (
            '<spark-mention data-object-type="groupMention" data-group-type="all">'
            f"{html.escape(label, quote=False)}</spark-mention>"
        )
        return label, markup


def _text_lines(lines: list[str], inline: _Inline) -> list[str]:
    out, in_code = [], False
    for line in lines:
        if line.strip().startswith(_FENCE):
            in_code = not in_code
            continue
        if in_code:
            out.append(line)
            continue
        marked = _HEADING.match(line) or _QUOTE.match(line)
        out.append(inline.text(marked.groups()[-1] if marked else line))
    return out


def _html_blocks(lines: list[str], inline: _Inline) -> list[str]:
    blocks, index = [], 0
    while index < len(lines):
        block, index = _next_block(lines, index, inline)
        if block:
            blocks.append(block)
    return blocks


def _next_block(lines: list[str], index: int, inline: _Inline) -> tuple[str, int]:
    line = lines[index]
    if not line.strip():
        return "", index + 1
    if line.strip().startswith(_FENCE):
        return _code_block(lines, index)
    heading = _HEADING.match(line)
    if heading:
        level = len(heading.group(1))
        return f"<h{level}>{inline.html(heading.group(2))}</h{level}>", index + 1
    for pattern, tag in ((_BULLET, "ul"), (_NUMBERED, "ol"), (_QUOTE, "blockquote")):
        if pattern.match(line):
            return _run_block(lines, index, pattern, tag, inline)
    return _paragraph(lines, index, inline)


def _code_block(lines: list[str], index: int) -> tuple[str, int]:
    end = index + 1
    while end < len(lines) and not lines[end].strip().startswith(_FENCE):
        end += 1
    code = html.escape("\n".join(lines[index + 1 : end]), quote=False)
    return f"<pre><code>{code}</code></pre>", end + 1


def _run_block(
    lines: list[str], index: int, pattern: re.Pattern, tag: str, inline: _Inline
) -> tuple[str, int]:
    items = []
    while index < len(lines) and (match := pattern.match(lines[index])):
        items.append(inline.html(match.groups()[-1]))
        index += 1
    if tag == "blockquote":
        return f"<blockquote>{'<br />'.join(items)}</blockquote>", index
    return f"<{tag}>{''.join(f'<li>{item}</li>' for item in items)}</{tag}>", index


def _paragraph(lines: list[str], index: int, inline: _Inline) -> tuple[str, int]:
    parts = []
    while index < len(lines) and _is_paragraph_line(lines[index]):
        parts.append(inline.html(lines[index]))
        index += 1
    return f"<p>{'<br />'.join(parts)}</p>", index


def _is_paragraph_line(line: str) -> bool:
    if not line.strip() or line.strip().startswith(_FENCE) or _HEADING.match(line):
        return False
    return not any(p.match(line) for p in (_BULLET, _NUMBERED, _QUOTE))
