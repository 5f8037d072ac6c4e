"""md_escape: user strings shown literally in Streamlit's Markdown, with nothing
invisible added (a copy-paste takes the text as typed). tests/browser/test_md_escape.py
checks the same strings in a real browser."""

import re

from hypothesis import given
from hypothesis import strategies as st

from pages.ui.widgets import MD_BREAK, md_escape
from tests.page_text import as_read

# What Streamlit's Markdown does to a run of text after parsing, escapes and character
# references already decoded (remark-gfm's literal autolinks, Streamlit's icons and
# arrows): none of these may match inside one run between md_escape's breaks.
AFTER_PARSING = [
    re.compile(r"https?://|www\.", re.IGNORECASE),
    re.compile(r"[-.\w+]+@[-\w]+(\.[-\w]+)+"),
    re.compile(r":material_\w+:|:streamlit:"),
    re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
]
HOSTILE = ["http://evil.example", "www.example.com", "a@b.com", "<b>x</b>", "**bold**",
           ":red[x]", "$x$", "&amp;", "Caf&#58; Noir", "a -> b <= c", ":material_home:",
           "WWWW.example.com", "mailto:a@b.com", "x\\y", "1. item", "# head", ":small[]"]
ADDED = set("\\" + MD_BREAK)  # the only characters md_escape may add


def runs(markdown: str) -> list[str]:
    """The runs of text Streamlit's Markdown sees, as decoded."""
    return [as_read(part) for part in markdown.split(MD_BREAK)]


def test_known_answers():
    assert md_escape("http://evil.example") == r"http\::small[]//evil\.example"
    assert md_escape("www.example.com") == r"www:small[]\.example\.com"
    assert md_escape("a@b.com") == r"a@:small[]b\.com"
    assert md_escape("<b>x</b>") == r"\<b\>x\</b\>"
    assert md_escape(":red[x]") == r"\::small[]red\[x\]"
    assert md_escape("a -> b") == r"a \-:small[]\> b"
    assert md_escape(None) == ""


def test_an_ampersand_is_escaped_so_a_typed_character_reference_stays_literal():
    assert md_escape("&#58;") == r"\&\#58;"
    assert md_escape("&amp;") == r"\&amp;"
    assert as_read(md_escape("Caf&#58; Noir")) == "Caf&#58; Noir"


def test_no_invisible_character_is_added():
    for text in HOSTILE:
        escaped = md_escape(text)
        assert "\u2060" not in escaped and "\u200b" not in escaped, text
        assert set(escaped) - set(text) <= ADDED, text


def test_hostile_strings_read_as_typed_and_form_nothing():
    for text in HOSTILE:
        escaped = md_escape(text)
        assert as_read(escaped) == text
        for run in runs(escaped):
            assert not any(p.search(run) for p in AFTER_PARSING), (text, run)


@given(st.text(alphabet=st.sampled_from(list("wW.:@/-<>=~ &#;ahtpsx:_[]*\\\u2060")),
               max_size=40) | st.text(max_size=40))
def test_any_text_reads_back_adds_nothing_invisible_and_forms_nothing(text):
    escaped = md_escape(text)
    assert as_read(escaped) == text
    assert set(escaped) - set(text) <= ADDED
    for run in runs(escaped):
        assert not any(p.search(run) for p in AFTER_PARSING), (text, run)
