import numpy as np
import pytest

from vae_helpers.text import corpora as td


def test_load_names(capsys):
    names = td.load_names(n=300, seed=1)
    assert "text data: US census first names" in capsys.readouterr().out
    assert len(names) == 300 and len(set(names)) == 300
    assert all(s.isalpha() and s == s.lower() and len(s) >= 2 for s in names)
    assert names == td.load_names(n=300, seed=1)
    assert names != td.load_names(n=300, seed=2)
    short = td.load_names(n=100, max_length=5)
    assert max(map(len, short)) <= 5


def test_load_names_fast_mode_subsamples(monkeypatch):
    monkeypatch.setenv("VAE_FAST", "1")
    assert len(td.load_names()) == td.FAST_SIZES["names"]
    monkeypatch.setenv("VAE_FAST", "0")
    assert len(td.load_names()) > td.FAST_SIZES["names"]


def test_load_names_bad_input():
    with pytest.raises(TypeError, match="n must be"):
        td.load_names(n=2.5)
    with pytest.raises(ValueError, match="n must be"):
        td.load_names(n=0)
    with pytest.raises(TypeError, match="seed"):
        td.load_names(seed="x")
    with pytest.raises(ValueError, match="max_length"):
        td.load_names(min_length=5, max_length=3)


def test_missing_corpus_names_install_command(monkeypatch):
    monkeypatch.setattr(td.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(td.CorpusNotFoundError, match="pip install names"):
        td.load_names()
    with pytest.raises(td.CorpusNotFoundError, match="chatterbot-corpus"):
        td.load_dialog_pairs()
    monkeypatch.setattr(td, "FORTUNE_DIR", td.Path("/nonexistent/fortunes"))
    with pytest.raises(td.CorpusNotFoundError, match="apt-get install fortunes"):
        td.load_fortunes()


needs_fortunes = pytest.mark.skipif(
    not td.FORTUNE_DIR.is_dir(), reason="Debian fortunes not installed (apt-get install fortunes)"
)


@needs_fortunes
def test_load_fortunes(capsys):
    texts, labels = td.load_fortunes(["food", "love"], max_chars=120, n=10_000)
    assert "Debian fortunes" in capsys.readouterr().out
    assert len(texts) == len(labels) > 50
    assert set(labels) == {"food", "love"}
    assert all(0 < len(t) <= 120 and "\n" not in t and "%" != t for t in texts)
    sub, sub_labels = td.load_fortunes(["food", "love"], max_chars=120, n=20)
    assert len(sub) == 20 and set(sub) <= set(texts)
    assert "computers" in td.fortune_categories()


@needs_fortunes
def test_load_fortunes_bad_input():
    with pytest.raises(TypeError, match="list or tuple"):
        td.load_fortunes("food")
    with pytest.raises(ValueError, match="unknown fortune categories"):
        td.load_fortunes(["no-such-category"])
    with pytest.raises(ValueError, match="empty"):
        td.load_fortunes([])
    with pytest.raises(ValueError, match="no fortunes"):
        td.load_fortunes(["food"], max_chars=1)


def test_load_dialog_pairs(capsys):
    pairs = td.load_dialog_pairs(n=10_000)
    assert "chatterbot" in capsys.readouterr().out
    assert len(pairs) > 500
    assert all(isinstance(p, str) and isinstance(r, str) and p and r for p, r in pairs)
    assert ("Hello", "Hi") in pairs
    prompts = [p for p, _ in pairs]
    assert len(set(prompts)) < len(prompts)  # one prompt, several replies
    assert len(td.load_dialog_pairs(n=50)) == 50


def test_load_news_articles():
    docs = td.load_news_articles(n=10_000)
    assert 250 <= len(docs) <= 400 and all(len(d.split()) > 20 for d in docs)
    assert td.load_news_articles(n=5) == [docs[i] for i in td._subsample_indices(len(docs), 5, 0)]


def test_clean_text_and_novelty():
    assert td.clean_text(" a\n\tb  c ") == "a b c"
    with pytest.raises(TypeError):
        td.clean_text(3)
    assert td.novelty(["anna", "zed", "bob", "q"], ["anna", "bob"]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="empty"):
        td.novelty([], ["a"])
    with pytest.raises(TypeError):
        td.novelty("anna", ["anna"])
    assert isinstance(td.novelty(np.array(["a"]), ["b"]), float)


def test_bigram_log_likelihood_prefers_name_like_strings():
    ref = ["anna", "hannah", "joanna", "ann", "nan"] * 5
    good = td.bigram_log_likelihood(["anna", "nanna"], ref)
    bad = td.bigram_log_likelihood(["xqzv", "jjjj"], ref)
    assert good > bad and good < 0
    with pytest.raises(ValueError, match="non-empty"):
        td.bigram_log_likelihood([], ref)
    with pytest.raises(ValueError, match="alpha"):
        td.bigram_log_likelihood(["a"], ref, alpha=0)
    with pytest.raises(TypeError):
        td.bigram_log_likelihood("anna", ref)


def test_dialog_pairs_skip_malformed_conversations():
    from vae_helpers.text import load_dialog_pairs

    pairs = load_dialog_pairs(n=100000)
    assert all(len(a) > 1 or len(b) > 1 for a, b in pairs), "single-character pairs leaked in"


def test_dialog_pairs_from_a_synthetic_corpus(tmp_path, monkeypatch):
    # the rule itself, independent of which malformed entries the installed corpus happens to hold
    (tmp_path / "a.yml").write_text(
        "conversations:\n"
        "- - Hello\n  - Hi there\n  - How are you?\n"  # three turns: two pairs
        "- A bare string is not a conversation\n"  # malformed: must not become single-character pairs
        "- - Ping\n  - null\n  - Pong\n"  # a missing turn is dropped, its neighbours pair up
        "- - Lonely\n",  # one turn: no pair
        encoding="utf-8",
    )
    (tmp_path / "b.yml").write_text("categories: [empty]\n", encoding="utf-8")  # no conversations key
    monkeypatch.setattr(td, "chatterbot_dir", lambda: tmp_path)
    pairs = td.load_dialog_pairs(n=100)
    assert sorted(pairs) == [("Hello", "Hi there"), ("Hi there", "How are you?"), ("Ping", "Pong")]
