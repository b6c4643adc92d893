"""The naughty-strings corpus: the Big List of Naughty Strings (vendored as data, MIT, see
data/blns.LICENSE) and payloads of our own aimed at this app's pages: script and attribute
breakouts for every place a string is rendered (text, attributes, textareas, titles, inline
JSON), template syntax, hostile URLs, bidirectional and invisible characters, and odd line
breaks.

Every payload of ours that runs script calls ``__xss(n)``; the browser tests define that
function (and wrap alert, confirm and prompt, which the BLNS payloads call), so any script that
runs is counted, whichever way it got in.

``corpus()`` is the full list with ``SECURITY_CORPUS=full`` (`make test-security`), otherwise
a fixed subset that keeps every payload of ours and a spread of the BLNS list (`make test`).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

#: Ours. Each script payload signals with a distinct number, so a hit names its payload.
SCRIPT_PAYLOADS = [
    "<script>__xss(1)</script>",
    "<img src=x onerror=__xss(2)>",
    '"><img src=x onerror=__xss(3)>',
    "'><img src=x onerror=__xss(4)>",
    '" autofocus onfocus="__xss(5)" x="',
    "' autofocus onfocus='__xss(6)' x='",
    "</textarea><script>__xss(7)</script>",
    "</title><script>__xss(8)</script>",
    "</script><script>__xss(9)</script>",
    "</style><script>__xss(10)</script>",
    "<svg onload=__xss(11)>",
    "<svg><script>__xss(12)</script></svg>",
    "<iframe srcdoc='<script>parent.__xss(13)</script>'></iframe>",
    "<details open ontoggle=__xss(14)>",
    "<body onload=__xss(15)>",
    "<input autofocus onfocus=__xss(16)>",
    "<a href=javascript:__xss(17)>x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(18)>",
    '<noscript><p title="</noscript><img src=x onerror=__xss(19)>">',
    "<!--<img src=x onerror=__xss(20)>-->",
    "<![CDATA[<img src=x onerror=__xss(21)>]]>",
    '{"a":"</script><img src=x onerror=__xss(22)>"}',
    "\\u003cimg src=x onerror=__xss(23)\\u003e",
    "&lt;img src=x onerror=__xss(24)&gt;",
    '<object data="javascript:__xss(25)"></object>',
    "<video><source onerror=__xss(26)></video>",
    "<marquee onstart=__xss(27)>m</marquee>",
    "<form><button formaction=javascript:__xss(28)>b</button></form>",
    "`-__xss(29)-`",
    "${__xss(30)}",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content='0;url=javascript:__xss(31)'>",
    "<template><img src=x onerror=__xss(32)></template><div id=t></div>",
    "<img src=x onerror=&#95;&#95;xss(33)>",
    "<img src=x onerror=__xss&#40;34&#41;>",
    "<IMG SRC=x OnErRoR=__xss(35)>",
    "<img\tsrc=x\nonerror=__xss(36)>",
    "<scr<script>ipt>__xss(37)</scr</script>ipt>",
]

#: Ours: URLs, template syntax, direction and invisible characters, line breaks, lengths.
OTHER_PAYLOADS = [
    "javascript:__xss(40)",
    "JaVaScRiPt:__xss(41)",
    " javascript:__xss(42)",
    "data:text/html,<script>__xss(43)</script>",
    "vbscript:msgbox(1)",
    'https://example.org/"><img src=x onerror=__xss(44)>',
    "https://example.org/?q=<script>__xss(45)</script>",
    "https://example.org/#'onmouseover='__xss(46)",
    "//evil.example/path",
    "{{ 7 * 7 }}",
    "{% raw %}{{ config }}{% endraw %}",
    "{{ config.items() }}",
    "#{7*7} ${7*7} <%= 7*7 %>",
    "%3Cscript%3E__xss(47)%3C/script%3E",
    "\u202egpj.exe",
    "abc\u202edef\u202cghi",
    "\u2067مرحبا\u2069 world",
    "שלום עולם 123",
    "مرحبا بالعالم ١٢٣",
    "\u200f\u200e\u061c mixed marks",
    "zero\u200bwidth\u200djoin\u2060word",
    "\ufeffbyte order mark",
    "e\u0301\u0301\u0301\u0301\u0301 combining",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 family",
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f flag",
    "line\r\nbreak",
    "line\rreturn",
    "line\u2028separator\u2029paragraph",
    "next\u0085line",
    "tab\tand\vvertical\fform",
    "\x1b[31mred\x1b[0m escape",
    "\x7f\x01\x02 controls",
    "市政府预算 ＜script＞__xss(48)＜/script＞",
    "聯(lián)創(chuàng) 辭職",
    "Ünïcödé — “quotes” ‘single’ «guillemets» „German“",
    "=1+1",
    '\'=HYPERLINK("https://evil.example")',
    "@SUM(1+1)",
    "-2+3",
    "a" * 5000,
    "語" * 2000,
]


@cache
def blns() -> list[str]:
    return json.loads((DATA / "blns.json").read_text(encoding="utf-8"))


@cache
def full() -> list[str]:
    """Every string once, ours first, in a fixed order."""
    seen: dict[str, None] = {}
    for text in [*SCRIPT_PAYLOADS, *OTHER_PAYLOADS, *blns()]:
        seen.setdefault(text, None)
    return list(seen)


@cache
def subset() -> list[str]:
    """Ours, and every 12th BLNS string."""
    ours = set(SCRIPT_PAYLOADS) | set(OTHER_PAYLOADS)
    spread = [s for s in blns()[::12] if s not in ours]
    return [*SCRIPT_PAYLOADS, *OTHER_PAYLOADS, *spread]


def corpus() -> list[str]:
    return full() if os.environ.get("SECURITY_CORPUS") == "full" else subset()
