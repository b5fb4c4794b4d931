"""Message formatting: parse_mode HTML, MarkdownV2 and Markdown into plain text and entities."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from bot.simulator.errors import ApiError, bad_request

Entities = list[dict[str, Any]]

HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    """Returns the length of text in UTF-16 code units, as entity offsets count."""
    return len(text.encode("utf-16-le")) // 2


def parse_error(what: str) -> ApiError:
    """Returns the 400 error for text that cannot be parsed."""
    return bad_request(f"can't parse entities: {what}")


def parse_text(
    text: str, parse_mode: str | None, entities: list[Any] | None
) -> tuple[str, Entities]:
    """Returns the text as the user sees it and its entities."""
    if not parse_mode:
        return text, [e for e in entities or [] if isinstance(e, dict)]
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return _MarkdownParser(text, legacy=False).parse()
    if mode == "markdown":
        return _MarkdownParser(text, legacy=True).parse()
    raise bad_request("unsupported parse_mode")


class _HtmlParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.position = 0
        self.stack: list[tuple[str, dict[str, Any]]] = []
        self.entities: Entities = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = HTML_TAGS.get(tag)
        values = dict(attrs)
        if tag == "span" and values.get("class") == "tg-spoiler":
            kind = "spoiler"
        if kind is None:
            raise parse_error(f'Unsupported start tag "{tag}"')
        entity: dict[str, Any] = {"type": kind, "offset": self.position}
        if kind == "text_link":
            entity["url"] = values.get("href") or ""
        if kind == "blockquote" and "expandable" in values:
            entity["type"] = "expandable_blockquote"
        if kind == "custom_emoji":
            entity["custom_emoji_id"] = values.get("emoji-id") or ""
        if kind == "code" and self.stack and self.stack[-1][0] == "pre":
            language = (values.get("class") or "").removeprefix("language-")
            if language:
                self.stack[-1][1]["language"] = language
            entity["type"] = ""  # the pre entity carries it
        self.stack.append((tag, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise parse_error(f'Unexpected end tag "{tag}"')
        _, entity = self.stack.pop()
        entity["length"] = self.position - entity["offset"]
        if entity["length"] > 0 and entity["type"]:
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.position += utf16_len(data)


def parse_html(text: str) -> tuple[str, Entities]:
    """Parses Telegram's HTML subset."""
    parser = _HtmlParser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"')
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities


class _MarkdownParser:
    """A scanner for MarkdownV2 (strict escaping) and legacy Markdown."""

    def __init__(self, text: str, legacy: bool) -> None:
        self.text = text
        self.legacy = legacy
        self.out: list[str] = []
        self.offset = 0
        self.open: dict[str, tuple[int, int]] = {}
        self.entities: Entities = []
        self.link_start: tuple[int, int] | None = None
        self.quote_start: int | None = None

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.offset += utf16_len(chunk)

    def byte_offset(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8"))

    def toggle(self, kind: str, index: int) -> None:
        if kind in self.open:
            start, _ = self.open.pop(kind)
            if self.offset > start:
                self.entities.append({"type": kind, "offset": start, "length": self.offset - start})
        else:
            self.open[kind] = (self.offset, index)

    def parse(self) -> tuple[str, Entities]:
        text, i = self.text, 0
        while i < len(text):
            i = self.step(i)
        self.close_quote()
        for kind, (_, index) in self.open.items():
            raise parse_error(
                f"Can't find end of {kind.title()} entity at byte offset {self.byte_offset(index)}"
            )
        if self.link_start is not None:
            raise parse_error(
                f"Can't find end of TextUrl entity at byte offset "
                f"{self.byte_offset(self.link_start[1])}"
            )
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), entities

    def close_quote(self) -> None:
        if self.quote_start is not None and self.offset > self.quote_start:
            length = self.offset - self.quote_start
            self.entities.append(
                {"type": "blockquote", "offset": self.quote_start, "length": length}
            )
        self.quote_start = None

    def step(self, i: int) -> int:
        text, c = self.text, self.text[i]
        if not self.legacy and c == ">" and (i == 0 or text[i - 1] == "\n"):
            if self.quote_start is None:
                self.quote_start = self.offset
            return i + 1
        if c == "\n" and self.quote_start is not None and not text.startswith(">", i + 1):
            self.close_quote()
        if c == "\\" and i + 1 < len(text) and (not self.legacy or text[i + 1] in "_*`["):
            self.emit(text[i + 1])
            return i + 2
        if c == "`":
            return self.code(i)
        if not self.legacy and text.startswith("||", i):
            self.toggle("spoiler", i)
            return i + 2
        if not self.legacy and text.startswith("__", i):
            self.toggle("underline", i)
            return i + 2
        marks = (
            {"*": "bold", "_": "italic"}
            if self.legacy
            else {"*": "bold", "_": "italic", "~": "strikethrough"}
        )
        if c in marks:
            self.toggle(marks[c], i)
            return i + 1
        if c == "[":
            if self.link_start is not None:
                raise parse_error(
                    "Character '[' is reserved and must be escaped with the preceding '\\'"
                )
            self.link_start = (self.offset, i)
            return i + 1
        if c == "]" and self.link_start is not None:
            return self.link_end(i)
        if not self.legacy and c in MARKDOWN_V2_RESERVED:
            raise parse_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        self.emit(c)
        return i + 1

    def code(self, i: int) -> int:
        text = self.text
        fence = "```" if text.startswith("```", i) else "`"
        end = text.find(fence, i + len(fence))
        while end != -1 and not self.legacy and text[end - 1] == "\\":
            end = text.find(fence, end + 1)
        if end == -1:
            kind = "Pre" if fence == "```" else "Code"
            raise parse_error(
                f"Can't find end of {kind} entity at byte offset {self.byte_offset(i)}"
            )
        body = text[i + len(fence) : end]
        entity: dict[str, Any] = {"type": "pre" if fence == "```" else "code"}
        if fence == "```" and "\n" in body:
            language, rest = body.split("\n", 1)
            if language and " " not in language:
                entity["language"] = language
                body = rest
        if not self.legacy:
            body = body.replace("\\`", "`").replace("\\\\", "\\")
        entity["offset"] = self.offset
        self.emit(body)
        entity["length"] = self.offset - entity["offset"]
        if entity["length"]:
            self.entities.append(entity)
        return end + len(fence)

    def link_end(self, i: int) -> int:
        text = self.text
        assert self.link_start is not None
        start, _ = self.link_start
        self.link_start = None
        if not text.startswith("(", i + 1):
            if self.legacy:
                return i + 1
            raise parse_error(
                "Character ']' is reserved and must be escaped with the preceding '\\'"
            )
        close = text.find(")", i + 2)
        while close != -1 and text[close - 1] == "\\":
            close = text.find(")", close + 1)
        if close == -1:
            raise parse_error(f"Can't find end of a url at byte offset {self.byte_offset(i + 1)}")
        url = text[i + 2 : close].replace("\\)", ")").replace("\\\\", "\\")
        if self.offset > start:
            self.entities.append(
                {"type": "text_link", "offset": start, "length": self.offset - start, "url": url}
            )
        return close + 1
