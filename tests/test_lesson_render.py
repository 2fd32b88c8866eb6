"""checker/commands/lesson/render.py: READMEs as HTML, links between steps pointed at their pages."""

from checker import ROOT
from checker.workshop import course
from checker.commands.lesson import render


def test_step_links_go_to_step_pages():
    """Links to another step's folder or README, this step's other language and the course are rewritten."""
    # another step's README, in the page's language
    assert render.target_of("../02-flask-redis/README.md", 1, "en") == "/step/2?lang=en"
    # the other language of this step
    assert render.target_of("README.zh-CN.md", 1, "en") == "/step/1?lang=zh"
    # the top README is the course page
    assert render.target_of("../../README.md#steps", 1, "zh") == "/?lang=zh"
    # the web stays the web; a file of the repository is not served
    assert render.target_of("https://flask.palletsprojects.com/", 1, "en").startswith("https://")
    assert render.target_of("hello.py", 1, "en") is None


def test_code_tables_and_raw_html():
    """Code is highlighted, tables are tables, and raw HTML in a README shows as text."""
    html = render.readme_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\n<script>alert(1)</script>\n",
                              1, "en")
    # a GFM table
    assert "<table>" in html and "<td>1</td>" in html
    # Pygments classes in the code block
    assert '<span class="n">x</span>' in html
    # no live script from the Markdown
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_every_readme_renders():
    """Every step's README in both languages renders with a heading."""
    for step in course.steps():
        for name, lang in (("README.md", "en"), ("README.zh-CN.md", "zh")):
            text = (ROOT / "steps" / step.folder / name).read_text(encoding="utf-8")
            # each README has at least its title as a heading
            assert "<h1>" in render.readme_html(text, step.number, lang), (step.folder, name)
