"""Question texts in their formats (Moodle's four), shown safely.

One module decides how a stored text becomes HTML, for every place that
shows one (question editor preview, attempt, review, import preview):

- ``html``: sanitised with nh3 against an allow-list; images only from the
  platform's own media (``MEDIA_URL``), links only http(s)/mailto;
- ``moodle``: the same, and line breaks become ``<br>`` unless the text is
  made of HTML blocks (``<p>``, ``<pre>``, lists, tables…), as Moodle's
  auto-format does;
- ``markdown``: rendered (Python-Markdown), then sanitised;
- ``plain``: escaped, line breaks kept.

Texts in ``html``/``moodle`` format are also sanitised when saved
(:func:`clean_for_storage`), so the bank never holds script; sanitising
again when shown costs little and covers rows saved before.
``<pre>`` keeps its lines and spaces everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

import markdown
import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup",
    "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "*": {"lang", "dir"},
}
_BLOCKS = re.compile(r"<(p|pre|div|ul|ol|table|blockquote|h[2-6]|br)\b", re.I)


def _own_media(src: str) -> bool:
    media = settings.MEDIA_URL
    return (
        src.startswith(media)
        and not src.startswith("//")
        and ".." not in src
        and "\\" not in src
    )


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value if _own_media(value) else None
    return value


@lru_cache(maxsize=1024)
def sanitise_html(text: str) -> str:
    """``text`` with only allowed tags, attributes and URLs left."""
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_attribute,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def clean_for_storage(text: str, fmt: str) -> str:
    """What is stored for ``text`` written in ``fmt`` (HTML sanitised)."""
    if fmt in ("html", "moodle"):
        return sanitise_html(text).strip()
    return text


def render(text: str, fmt: str) -> SafeString:
    """``text`` written in ``fmt`` as safe HTML: nh3's output for HTML,
    Moodle's auto-format and Markdown, escaped text for plain text."""
    if not text:
        html = ""
    elif fmt == "html":
        html = sanitise_html(text)
    elif fmt == "moodle":
        raw = text if _BLOCKS.search(text) else text.replace("\n", "<br>\n")
        html = sanitise_html(raw)
    elif fmt == "markdown":
        html = sanitise_html(
            markdown.markdown(text, extensions=["fenced_code", "tables"])
        )
    else:
        html = escape(text).replace("\n", "<br>\n")
    # Sanitised by nh3's allow-list or escaped, just above.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # nosemgrep: no-mark-safe-on-variables


def to_plain(text: str, fmt: str) -> str:
    """``text`` as plain text (exports, titles): tags dropped."""
    if fmt == "plain":
        return text
    html = str(render(text, fmt)).replace("<br>", " ")
    return re.sub(r"\s+", " ", unescape(nh3.clean(html, tags=set()))).strip()
