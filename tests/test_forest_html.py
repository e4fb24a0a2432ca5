"""The forest plot as the screen draws it (``evidence.forest_html``): the rows' numbers, as text, in place."""

import re
from html.parser import HTMLParser

from analysis import pool_proportions
from evidence.forest import forest_rows
from evidence.forest_html import forest_html


def _rows(labels=("A", "B", "C"), ids=None):
    res = pool_proportions([3, 9, 12], [5, 15, 12], labels=list(labels))
    return forest_rows(res, study_ids=ids), res


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text met inside each class of element."""

    def __init__(self):
        super().__init__()
        self.tags, self.open, self.text = [], [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in ("i",):
            self.open.append(attrs.get("class", ""))

    def handle_endtag(self, tag):
        if tag != "i" and self.open:
            self.open.pop()

    def handle_data(self, data):
        for cls in self.open:
            self.text.setdefault(cls, []).append(data)


def _parse(markup: str) -> _Tags:
    tags = _Tags()
    tags.feed(markup)
    return tags


def test_each_row_writes_its_label_and_numbers_and_draws_its_marks_where_the_numbers_put_them():
    rows, res = _rows()
    tags = _parse(forest_html(rows))
    assert [a["title"].split(" · ")[0] for t, a in tags.tags if a.get("class") == "cf-row"] == [
        "A", "B", "C", "Pooled (k = 3)", "Prediction interval"]
    squares = [a["style"] for t, a in tags.tags if a.get("class") == "cf-sq"]
    assert [float(re.search(r"left:([\d.]+)%", s).group(1)) for s in squares] == [60.0, 60.0, 100.0]
    sides = [float(re.search(r"width:([\d.]+)px", s).group(1)) for s in squares]
    assert sides.index(max(sides)) == max(range(3), key=lambda i: res.studies[i].weight)  # sized by weight
    diamond = next(a["style"] for t, a in tags.tags if a.get("class") == "cf-dia")
    assert f"left:{res.ci_low * 100:.3f}%" in diamond and f"calc({res.ci_high * 100:.3f}% - " in diamond
    tip = (res.estimate - res.ci_low) / (res.ci_high - res.ci_low) * 100
    assert f"{tip:.3f}% 0" in diamond  # the diamond's point at the estimate
    pi = next(a["style"] for t, a in tags.tags if a.get("class") == "cf-pi")
    assert f"left:{res.pi_low * 100:.3f}%" in pi
    assert "3/5" in "".join(tags.text["cf-line"]) and "24/32" in "".join(tags.text["cf-line cf-bold"])


def test_the_pooled_line_is_drawn_between_the_text_lines_never_across_them():
    rows, res = _rows()
    markup = forest_html(rows)
    lines = re.findall(r'<div class="cf-line[^"]*">(.*?)</div>', markup)
    assert lines and not any("cf-ref" in line for line in lines)
    refs = re.findall(r'<div class="cf-marks"[^>]*>(<i class="cf-ref" style="left:([\d.]+)%"></i>)?', markup)
    assert len(refs) == len(rows) and {float(r[1]) for r in refs} == {round(res.estimate * 100, 3)}


def test_a_study_links_to_its_report_and_every_text_stays_text():
    label = '<img src=x onerror=alert(1)> "Rome" & co'
    rows, _ = _rows(labels=(label, "B", "C"), ids={label: "rep-1", "B": "rep-2"})
    markup = forest_html(rows, x_title="<b>CRS</b>", link=lambda report: f"studies?report={report}")
    tags = _parse(markup)
    assert [a["href"] for t, a in tags.tags if t == "a"] == ["studies?report=rep-1", "studies?report=rep-2"]
    assert all(a["target"] == "_blank" and a["rel"] == "noopener" for t, a in tags.tags if t == "a")
    assert not any(t in ("img", "b", "script") for t, _ in tags.tags)
    assert "&lt;img src=x onerror=alert(1)&gt; &quot;Rome&quot; &amp; co" in markup
    assert "&lt;b&gt;CRS&lt;/b&gt;" in markup


def test_every_row_keeps_three_number_columns_so_they_line_up():
    rows, _ = _rows()
    for line in re.findall(r'<div class="cf-line[^"]*"><span>.*?</span><span>(.*?)</span></div>', forest_html(rows)):
        assert line.count("<span>") == 3, line


def test_headers_and_rows_are_written_in_the_language_chosen():
    res = pool_proportions([3, 9, 12], [5, 15, 12], labels=["A", "B", "C"])
    italian = forest_html(forest_rows(res, lang="it"), x_title="Remissione", lang="it")
    assert all(w in italian for w in ("Eventi/n", "Studio", "Peso", "Intervallo di predizione", "Remissione"))
    assert "Events/n" not in italian and "Prediction interval" not in italian
    english = forest_html(forest_rows(res))
    assert "Events/n" in english and 'aria-label="Forest plot"' in english


def test_a_proportion_outside_zero_to_one_is_drawn_at_the_edge():
    rows, _ = _rows()
    rows.loc[0, ["lo", "est", "hi"]] = [-0.2, 0.5, 1.4]
    styles = " ".join(a.get("style", "") for t, a in _parse(forest_html(rows)).tags)
    assert "left:0.000%;width:calc(100.000% - 0.000%)" in styles
