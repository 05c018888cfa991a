"""Markdown rendering: plain text, html and mentions."""

from emulator.markdown import render

PEOPLE = {
    "ID1": {"id": "ID1", "displayName": "GoBot", "emails": ["gobot@webex.bot"]},
}


def _resolve(kind: str, value: str) -> dict | None:
    if kind == "personId":
        return PEOPLE.get(value)
    return next((p for p in PEOPLE.values() if value in p["emails"]), None)


def test_mention_with_name():
    rendered = render("<@personId:ID1|Bot> hi", _resolve)

    assert rendered.text == "Bot hi"
    assert rendered.html == (
        '<p><spark-mention data-object-type="person" data-object-id="ID1">Bot'
        "</spark-mention> hi</p>"
    )
    assert rendered.mentioned_people == ["ID1"]


def test_unknown_person_is_plain_text():
    rendered = render("<@personEmail:eve@example.com|Eve> hi", _resolve)

    assert (rendered.text, rendered.html) == ("Eve hi", "<p>Eve hi</p>")
    assert rendered.mentioned_people == []


def test_repeated_mention_is_listed_once():
    rendered = render("<@personId:ID1> and <@personEmail:gobot@webex.bot>", _resolve)

    assert rendered.text == "GoBot and GoBot"
    assert rendered.mentioned_people == ["ID1"]


def test_all_mention_is_a_group_mention():
    rendered = render("<@all> heads up", _resolve)

    assert rendered.text == "All heads up"
    assert rendered.mentioned_groups == ["all"]


def test_html_is_escaped():
    rendered = render("a <b> & c", _resolve)

    assert rendered.html == "<p>a &lt;b&gt; &amp; c</p>"
    assert rendered.text == "a <b> & c"


def test_inline_and_block_markup():
    source = (
        "# Code\n\n**SM-DP+** `smdp.example.com`\n"
        "[Install](https://x.test/a?b=1)\n\n- one\n- two"
    )

    rendered = render(source, _resolve)

    assert rendered.text == "Code\n\nSM-DP+ smdp.example.com\nInstall\n\n- one\n- two"
    assert rendered.html == (
        "<h1>Code</h1>"
        "<p><strong>SM-DP+</strong> <code>smdp.example.com</code><br />"
        '<a href="https://x.test/a?b=1">Install</a></p>'
        "<ul><li>one</li><li>two</li></ul>"
    )


def test_underscores_inside_words_are_kept():
    rendered = render("snake_case_name and _stress_", _resolve)

    assert rendered.text == "snake_case_name and stress"
