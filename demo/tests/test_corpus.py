"""The shared text generator: no database, no Django."""

import importlib
import re
import subprocess
import sys
import time
from collections import Counter

from catalog.numbers import document_number_error
from demo.corpus import CorpusDocument, generate_documents

SEEDED = importlib.import_module("catalog.migrations.0002_seed_topics_and_genres")
GENRE_CODES = {code for code, _, _ in SEEDED.GENRES}
TOPIC_CODES = {f"{i:02d}" for i in range(1, len(SEEDED.TOPICS) + 1)}
KINDS = {"rule", "normative_document", "other"}


def test_same_seed_same_documents_and_another_seed_differs():
    a = list(generate_documents(300, seed=5))
    assert a == list(generate_documents(300, seed=5))
    assert [d.title for d in a] != [d.title for d in generate_documents(300, seed=6)]
    assert len(a) == 300 and all(isinstance(d, CorpusDocument) for d in a)


def test_fields_are_valid_catalogue_values():
    docs = list(generate_documents(3000, seed=1, start_year=2020, end_year=2022))
    for d in docs:
        assert d.genre_code in GENRE_CODES and d.kind in KINDS and d.topic_code in TOPIC_CODES
        assert 300 <= len(d.body) <= 900 and "\n" in d.body and "<" not in d.body
        assert 2020 <= d.written_on.year <= 2022 and d.published_on > d.written_on
        assert document_number_error(d.document_number) is None
        assert (d.statutory_item is None) == (d.genre_code == "news")
        assert d.statutory_item is None or 1 <= d.statutory_item <= 15
        assert (d.document_number == "") if d.genre_code == "news" else True
        assert d.title and d.summary and len(d.summary) <= 120 and d.keywords
        assert (d.kind == "normative_document") == (d.genre_code == "normative")
    assert 450 <= sum(len(d.body) for d in docs) / len(docs) <= 600  # typically ~500 characters


def test_frequencies_look_like_a_county_catalogue():
    docs = list(generate_documents(20000, seed=2))
    genres = Counter(d.genre_code for d in docs)
    assert genres.most_common(2)[0][0] == "news" and genres.most_common(2)[1][0] == "notice"
    assert (genres["news"] + genres["notice"]) / len(docs) > 0.5
    assert 0.005 < genres["normative"] / len(docs) < 0.04
    late = sum(d.lag_wd > 20 for d in docs) / len(docs)
    assert 0.02 < late < 0.045
    assert sum(d.lag_wd <= 10 for d in docs) / len(docs) > 0.85
    text = [d.title + d.body for d in docs]

    def df(word):
        return sum(word in t for t in text) / len(text)

    assert df("工作") > 0.9 and df("政府") > 0.5 and 0.15 < df("公开") < 0.7  # very common words
    for word in ("精准扶贫", "乡村振兴", "低保", "医保", "营商环境", "专项债券", "安全生产", "森林防火", "疫情防控"):
        assert 0.005 < df(word) < 0.2, word  # topic words: a few per cent
    # Fresh personal names make a long tail: most names in 公示 lists occur in very few documents.
    names = Counter(n for d in docs if "名单：" in d.body
                    for n in re.search(r"名单：(.*?)等。", d.body)[1].split("、"))
    assert sum(1 for c in names.values() if c <= 2) / len(names) > 0.5


def test_fast_enough_for_the_benchmark():
    started = time.perf_counter()
    count = sum(1 for _ in generate_documents(20000, seed=3))
    rate = count / (time.perf_counter() - started)
    assert rate > 10_000, rate  # ~55,000/s unloaded; loose bound for a shared machine


def test_imports_without_django():
    code = "import sys, demo.corpus as c; next(c.generate_documents(1)); assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")  # noqa: S603 - our own code
