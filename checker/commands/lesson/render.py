"""A step's README as HTML, rendered on the server: markdown-it-py (CommonMark + tables, raw HTML
shown as text), code highlighted by Pygments, links between steps pointed at their pages."""

import re
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

STEP_LINK = re.compile(r"^(?:\.\./)?(\d{2})-[a-z0-9-]+/?(?:README(\.zh-CN)?\.md)?(#.*)?$")
SAME_STEP = re.compile(r"^(?:\./)?README(\.zh-CN)?\.md(#.*)?$")
TOP_README = re.compile(r"^(?:\.\./)+README(\.zh-CN)?\.md(#.*)?$")
EXTERNAL = re.compile(r"^(https?:|mailto:|#)")


def _highlight(code, lang, _attrs):
    try:
        lexer = get_lexer_by_name(lang or "text")
    except ClassNotFound:
        return escape(code)
    return highlight(code, lexer, HtmlFormatter(nowrap=True))


def target_of(href, number, lang):
    """Where a README link goes on the page: another step's page, this one, the course, the web;
    None for a file of the repository the page does not serve."""
    query = "?lang=zh" if lang == "zh" else "?lang=en"
    if EXTERNAL.match(href):
        return href
    found = STEP_LINK.match(href)
    if found:
        return f"/step/{int(found.group(1))}{query}{found.group(3) or ''}"
    found = SAME_STEP.match(href)
    if found:
        other = "zh" if found.group(1) else "en"
        return f"/step/{number}?lang={other}{found.group(2) or ''}"
    if TOP_README.match(href):
        return f"/{query}"
    return None


def _link_open(number, lang):
    def rule(self, tokens, idx, options, env):
        token = tokens[idx]
        href = token.attrGet("href") or ""
        where = target_of(href, number, lang)
        if where is None:  # a repository file: shown as its name, not a broken link
            token.attrs.pop("href", None)
            token.attrSet("title", href)
            token.attrSet("class", "file-link")
        else:
            token.attrSet("href", where)
            if where.startswith("http"):
                token.attrSet("rel", "noopener noreferrer")
                token.attrSet("target", "_blank")
        return self.renderToken(tokens, idx, options, env)
    return rule


@lru_cache(maxsize=32)
def readme_html(text, number, lang):
    """The README `text` of step `number` as HTML for the page in `lang`."""
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable(["table", "strikethrough"])
    md.add_render_rule("link_open", _link_open(number, lang))
    return md.render(text)


def pygments_css():
    """The style of highlighted code (served as a static text, no build step)."""
    return HtmlFormatter(style="default").get_style_defs(".readme pre code")
