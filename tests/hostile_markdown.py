"""The hostile Markdown corpus and `assert_inert`, for every test of text rendered as HTML
(lessons, comments): assertions read the HTML the way a browser would (stdlib html.parser,
entities decoded), not by matching strings."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from workspace.content import render_body

FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "style", "object", "embed", "applet", "svg",
    "math", "form", "button", "textarea", "select", "base", "meta", "link", "video", "audio",
    "source", "template", "noscript",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "xlink:href", "background", "poster",
    "data", "cite", "longdesc", "usemap", "ping",
}  # fmt: skip
ALLOWED_SCHEMES = {"http", "https", "mailto"}
ALLOWED_STYLE = re.compile(r"text-align:(left|right|center)")


class Collector(HTMLParser):
    """Collects every start tag with its attributes as a browser would decode them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def browser_scheme(url: str) -> str | None:
    """Return the scheme a browser would see in `url` (WHATWG: trim, drop tabs/newlines)."""
    cleaned = url.strip("".join(chr(c) for c in range(0x21)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_inert(markdown: str, html: str | None = None) -> list[tuple[str, dict[str, str | None]]]:
    """Assert the HTML made from `markdown` (by the lessons' renderer unless `html` is given)
    holds no script, event handler or dangerous URL; return its elements."""
    html = render_body(markdown) if html is None else html
    collector = Collector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.elements:
        assert tag not in FORBIDDEN_TAGS, f"<{tag}> in {html!r}"
        if tag == "input":
            assert attrs.get("type") == "checkbox" and "disabled" in attrs, html
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name} on <{tag}> in {html!r}"
            if name == "style":
                assert value is not None and ALLOWED_STYLE.fullmatch(value), html
            if name in URL_ATTRIBUTES and value is not None:
                scheme = browser_scheme(value)
                assert scheme is None or scheme in ALLOWED_SCHEMES, f"{name}={value!r} in {html!r}"
    return collector.elements


HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "script inline": "Hello <script>alert(1)</script> world",
    "javascript link": "[x](javascript:alert(1))",
    "mixed case scheme": "[x](JaVaScRiPt:alert(1))",
    "tab entity in scheme": "[x](java&#x09;script:alert(1))",
    "newline entity in scheme": "[x](jav&#x0A;ascript:alert(1))",
    "decimal entity": "[x](&#106;avascript:alert(1))",
    "hex entities": "[x](&#x6A;&#x61;vascript:alert(1))",
    "entity colon": "[x](javascript&colon;alert(1))",
    "numeric colon": "[x](javascript&#58;alert(1))",
    "percent encoded": "[x](%6Aavascript:alert(1))",
    "double percent encoded": "[x](%256Aavascript:alert(1))",
    "leading spaces": "[x](   javascript:alert(1))",
    "angle destination": "[x](<javascript:alert(1)>)",
    "leading control char": "[x](\x01javascript:alert(1))",
    "leading nul": "[x](\x00javascript:alert(1))",
    "zero width prefix": "[x](\u200bjavascript:alert(1))",
    "vbscript": "[x](vbscript:msgbox(1))",
    "file scheme": "[x](file:///etc/passwd)",
    "data html link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data image link": "[x](data:image/png;base64,iVBORw0KGgo=)",
    "javascript image": "![x](javascript:alert(1))",
    "data svg image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "data png image": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "spaced image": "![x](  JAVASCRIPT:alert(1))",
    "raw img onerror": "<img src=x onerror=alert(1)>",
    "inline img onerror": "text <img src=x onerror=alert(1)> text",
    "reference link": "[x][r]\n\n[r]: javascript:alert(1)",
    "reference image": "![x][r]\n\n[r]: data:image/svg+xml,<svg onload=alert(1)>",
    "reference with title": '[x][r]\n\n[r]: JavaScript:alert(1) "title"',
    "autolink": "<javascript:alert(1)>",
    "autolink uppercase": "<JAVASCRIPT:alert(1)>",
    "autolink vbscript": "<vbscript:msgbox(1)>",
    "html comment": "<!-- <script>alert(1)</script> -->",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "style tag": "<style>body { display: none }</style>",
    "style attribute": '<div style="background:url(javascript:alert(1))">x</div>',
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg onload": "<svg onload=alert(1)>",
    "math xlink": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "raw anchor": '<a href="javascript:alert(1)">x</a>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "form": '<form action="javascript:alert(1)"><button>Go</button></form>',
    "base": '<base href="javascript:/">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "title breakout": '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "alt breakout": '![" onerror="alert(1)](https://ok.example/x.png)',
    "heading breakout": '# "><script>alert(1)</script>',
    "section label breakout": "::: teacher-notes <script>alert(1)</script>\ntext\n:::",
    "footnote link": "Note[^1]\n\n[^1]: [x](javascript:alert(1))",
    "table cell link": "| a |\n|---|\n| [x](javascript:alert(1)) |",
    "task list html": "- [ ] <img src=x onerror=alert(1)>",
    "html block": "<div>\n<script>alert(1)</script>\n</div>",
    "link in code span": "`<a href=javascript:alert(1)>x</a>`",
    "nested link text": "[<img src=x onerror=alert(1)>](https://ok.example)",
    "unknown container": "::: onload=alert(1)\n<script>alert(1)</script>\n:::",
}
