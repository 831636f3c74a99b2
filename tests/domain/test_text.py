import pytest

from domain.text import clean_title, fix_mojibake, html_to_text, looks_like_html, normalize_text


def test_tags_are_stripped_and_inline_markup_keeps_words_together() -> None:
    assert html_to_text("Automotive <b>Slack</b> Market") == "Automotive Slack Market"
    assert html_to_text("<a href='x'>Café</a> <em>Lumbre</em>") == "Café Lumbre"


def test_block_elements_become_single_newlines() -> None:
    markup = "<p>Uno</p><p>Dos<br>Tres</p><ul><li>a</li><li>b</li></ul>fin"
    assert html_to_text(markup) == "Uno\nDos\nTres\na\nb\nfin"


def test_table_cells_are_separated_by_spaces_and_rows_by_newlines() -> None:
    markup = "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
    assert html_to_text(markup) == "a b\nc"


@pytest.mark.parametrize(
    "markup",
    [
        "safe<script type='text/javascript'>location.href='http://x/';</script> description",
        "safe<style>p { color: red }</style> description",
        "safe<!-- <script>x</script> --> description",
        "safe<SCRIPT>alert(1)</SCRIPT> description",
        "safe<noscript>enable js</noscript> description",
    ],
)
def test_invisible_elements_go_with_their_contents(markup: str) -> None:
    assert html_to_text(markup) == "safe description"


def test_a_whole_escaped_page_gives_its_visible_text() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>T</title><style>b{}</style></head>"
        "<body><h1>Title</h1><div onmouseover='x()'>Body text</div></body></html>"
    )
    assert html_to_text(page) == "Title\nBody text"


def test_entities_are_decoded_including_double_escaped_ones() -> None:
    assert html_to_text("senior&nbsp;...") == "senior ..."
    assert html_to_text("the Company&amp;#39;s decision&amp;nbsp;...") == (
        "the Company's decision ..."
    )
    assert html_to_text("<b>AT&amp;T</b> &amp;amp; co") == "AT&T & co"
    assert "&amp;" not in html_to_text("x &amp;amp; y")


def test_a_bare_ampersand_in_a_query_string_is_left_alone_by_the_second_pass() -> None:
    assert normalize_text("a=1&b=2 and &unknownthing;") == "a=1&b=2 and &unknownthing;"


def test_whitespace_is_collapsed_including_nbsp_and_zero_width_characters() -> None:
    assert html_to_text("  a \t\n b\u00a0\u00a0c\u200bd\u00ade  ") == "a b cde"


def test_windows_1252_code_points_become_their_characters() -> None:
    assert html_to_text("don&#146;t &#147;quote&#148;") == "don’t “quote”"
    assert normalize_text("don\x92t") == "don’t"


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("cafÃ© con leche", "café con leche"),
        ("donâ€™t", "don’t"),
        ("â\x80¦", "…"),
        ("SÃ£o Paulo", "São Paulo"),
    ],
)
def test_mojibake_is_repaired(broken: str, fixed: str) -> None:
    assert normalize_text(broken) == fixed


@pytest.mark.parametrize(
    "text",
    ["NÃO", "AMANHÃ chega", "Ñandú", "café", "Åsa Ärlig", "naïve", "Gruß“ sagte"],
)
def test_real_text_is_not_mistaken_for_mojibake(text: str) -> None:
    assert fix_mojibake(text) == text


def test_plain_text_keeps_paragraph_breaks() -> None:
    assert normalize_text("Clean the burrs weekly.\n\n  Replace them yearly.  ") == (
        "Clean the burrs weekly.\nReplace them yearly."
    )


def test_titles_are_single_line_and_markup_is_sniffed() -> None:
    assert clean_title("<b>Lumbre</b> abre", html=True) == "Lumbre abre"
    assert clean_title("&lt;b&gt;Lumbre&lt;/b&gt; escaped twice", html=True) == (
        "Lumbre escaped twice"
    )
    assert clean_title("<b>Lumbre</b>\n abre") == "Lumbre abre"
    assert clean_title("3 < 4 y AT&amp;T") == "3 < 4 y AT&T"
    assert clean_title("&lt;b&gt;Lumbre&lt;/b&gt; escaped twice") == "Lumbre escaped twice"
    assert clean_title(None) == ""


def test_looks_like_html() -> None:
    assert looks_like_html("a <b>b</b>")
    assert looks_like_html("<br/>")
    assert not looks_like_html("3 < 4 and 5 > 2")


def test_empty_input_gives_empty_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<p>  </p><script>x</script>") == ""
    assert normalize_text("") == ""
