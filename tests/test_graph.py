"""Tests for vae_helpers.graph: the VGAE, edge splits and link-prediction scoring."""

import keras
import networkx as nx
import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.graphs import (
    VGAE,
    adjacency_matrix,
    link_prediction_scores,
    normalized_adjacency,
    spectral_embedding_scores,
    split_edges,
    train_vgae,
)


@pytest.fixture
def karate():
    return adjacency_matrix(nx.karate_club_graph())


def test_normalized_adjacency_on_a_path_graph():
    a = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.float32)
    # A + I has degrees 2, 3, 2
    d = np.array([2.0, 3.0, 2.0])
    expected = (a + np.eye(3)) / np.sqrt(d[:, None] * d[None, :])
    got = normalized_adjacency(a)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, got.T)
    # the largest eigenvalue of the renormalised matrix is 1
    assert np.isclose(np.linalg.eigvalsh(got).max(), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    "bad, err",
    [
        (np.ones((3, 4)), ValueError),  # not square
        (np.array([[0, 1, 0], [0, 0, 1], [0, 1, 0]]), ValueError),  # not symmetric
        (np.array([[0, -1], [-1, 0]]), ValueError),  # negative
        (np.array([[0, np.nan], [np.nan, 0]]), ValueError),  # NaN
        ("not a matrix", TypeError),
    ],
)
def test_normalized_adjacency_rejects_bad_input(bad, err):
    with pytest.raises(err):
        normalized_adjacency(bad)


def test_adjacency_matrix_from_weighted_graph_is_binary_without_self_loops():
    g = nx.les_miserables_graph()
    a = adjacency_matrix(g)
    assert a.shape == (77, 77) and set(np.unique(a)) <= {0.0, 1.0}
    assert np.all(np.diag(a) == 0) and np.array_equal(a, a.T)
    assert a.sum() / 2 == g.number_of_edges()
    with pytest.raises(ValueError, match="undirected"):
        adjacency_matrix(nx.DiGraph([(0, 1)]))


def test_split_edges_is_disjoint_and_negatives_are_non_edges(karate):
    split = split_edges(karate, test_fraction=0.2, val_fraction=0.1, seed=3)
    n_edges = int(karate.sum() // 2)
    assert len(split.test_pos) == round(0.2 * n_edges) and len(split.val_pos) == round(0.1 * n_edges)
    assert len(split.test_neg) == len(split.test_pos) and len(split.val_neg) == len(split.val_pos)
    held = {tuple(p) for p in np.concatenate([split.test_pos, split.val_pos])}
    assert len(held) == len(split.test_pos) + len(split.val_pos)  # test and val disjoint
    for i, j in held:  # real edges, removed from train
        assert karate[i, j] == 1 and split.train_adj[i, j] == 0 and split.train_adj[j, i] == 0
    assert split.train_adj.sum() / 2 == n_edges - len(held)  # nothing else removed
    negs = np.concatenate([split.test_neg, split.val_neg])
    assert len({tuple(p) for p in negs}) == len(negs)  # distinct, test/val disjoint
    assert np.all(karate[negs[:, 0], negs[:, 1]] == 0) and np.all(negs[:, 0] != negs[:, 1])
    assert split.train_adj.sum(axis=1).min() >= 1  # no node isolated
    np.testing.assert_array_equal(split.train_adj, split.train_adj.T)
    # deterministic for a seed, different across seeds
    again = split_edges(karate, test_fraction=0.2, val_fraction=0.1, seed=3)
    np.testing.assert_array_equal(again.test_pos, split.test_pos)
    assert not np.array_equal(split_edges(karate, 0.2, 0.1, seed=4).test_pos, split.test_pos)


def test_split_edges_rejects_bad_fractions(karate):
    with pytest.raises(ValueError):
        split_edges(karate, test_fraction=0.7, val_fraction=0.5)
    with pytest.raises(ValueError):
        split_edges(karate, test_fraction=-0.1)
    with pytest.raises(ValueError, match="no edges"):
        split_edges(np.zeros((4, 4)))


def test_vgae_shapes_and_scores_are_probabilities(karate):
    vh.set_seed(0)
    model = VGAE(n_features=34, hidden_dim=8, latent_dim=3, seed=0)
    feats, norm_adj = model.graph_inputs(karate)
    assert feats.shape == (34, 34) and norm_adj.shape == (34, 34)
    mu, log_var = model.encode(feats, norm_adj)
    assert tuple(mu.shape) == (34, 3) and tuple(log_var.shape) == (34, 3)
    assert tuple(model((feats, norm_adj)).shape) == (34, 34)
    assert model.embed(karate).shape == (34, 3)
    scores = model.edge_scores(np.array([[0, 1], [2, 33]]), karate)
    assert scores.shape == (2,) and np.all((scores > 0) & (scores < 1))


def test_short_training_lowers_the_loss(karate):
    vh.set_seed(0)
    model = VGAE(34, hidden_dim=16, latent_dim=4, seed=0)
    run = train_vgae(model, karate, epochs=40, learning_rate=0.01)
    loss = run.history["loss"]
    assert len(loss) == 40 and np.all(np.isfinite(loss))
    assert np.mean(loss[-5:]) < 0.8 * np.mean(loss[:5])
    assert set(run.history) >= {"loss", "reconstruction_loss", "kl_loss"}


def test_zero_epochs_leaves_the_model_untrained(karate):
    model = VGAE(34, seed=0)
    before = model.embed(karate)
    assert train_vgae(model, karate, epochs=0).history == {}
    np.testing.assert_array_equal(before, model.embed(karate))


def test_bad_inputs_raise_clear_errors(karate):
    with pytest.raises(ValueError, match="latent_dim"):
        VGAE(34, latent_dim=0)
    with pytest.raises(ValueError, match="latent_dim"):
        VGAE(34, latent_dim=-2)
    with pytest.raises(TypeError, match="latent_dim"):
        VGAE(34, latent_dim=2.5)
    model = VGAE(34, hidden_dim=4, latent_dim=2)
    with pytest.raises(ValueError, match="square"):
        model.embed(np.ones((34, 33)))
    feats = np.eye(34, dtype=np.float32)
    feats[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.embed(karate, feats)
    with pytest.raises(ValueError, match="features"):
        model.embed(karate, np.eye(34, 10))
    with pytest.raises(ValueError, match="pairs"):
        model.edge_scores(np.array([[0, 34]]), karate)
    with pytest.raises(TypeError, match="integer"):
        model.edge_scores(np.array([[0.0, 1.0]]), karate)
    with pytest.raises(TypeError, match="VGAE"):
        train_vgae("model", karate)
    with pytest.raises(ValueError, match="epochs"):
        train_vgae(model, karate, epochs=-1)


def test_save_load_round_trip_reproduces_embeddings(karate, tmp_path):
    vh.set_seed(0)
    model = VGAE(34, hidden_dim=8, latent_dim=3, seed=1)
    train_vgae(model, karate, epochs=5)
    path = tmp_path / "vgae.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, VGAE) and loaded.latent_dim == 3 and loaded.hidden_dim == 8
    np.testing.assert_array_equal(loaded.embed(karate), model.embed(karate))


def test_link_prediction_scores_and_spectral_baseline(karate):
    perfect = link_prediction_scores([0.9, 0.8], [0.1, 0.2])
    assert perfect == {"auc": 1.0, "ap": 1.0}
    assert link_prediction_scores([0.1], [0.9])["auc"] == 0.0
    with pytest.raises(ValueError):
        link_prediction_scores([], [0.1])
    with pytest.raises(ValueError):
        link_prediction_scores([np.nan], [0.1])
    # two cliques joined by one edge: the 1-D spectral embedding separates them, so within-clique
    # pairs score above cross-clique pairs
    two = nx.barbell_graph(5, 0)
    adj = adjacency_matrix(two)
    within, across = np.array([[0, 1], [6, 7]]), np.array([[0, 6], [1, 7]])
    s_in = spectral_embedding_scores(adj, 1, within)
    s_out = spectral_embedding_scores(adj, 1, across)
    assert s_in.min() > s_out.max()
    with pytest.raises(ValueError, match="dim"):
        spectral_embedding_scores(adj, 10, within)
