r"""The variational graph auto-encoder (VGAE, Kipf & Welling 2016) and link-prediction tools.

A VGAE embeds the **nodes of one graph**: a two-layer graph convolutional network (GCN) maps
node features :math:`X` and the adjacency :math:`A` to a Gaussian posterior per node,

.. math:: \mu = \hat A\,\mathrm{ReLU}(\hat A X W_0)\,W_\mu,\qquad
          \log\sigma^2 = \hat A\,\mathrm{ReLU}(\hat A X W_0)\,W_\sigma,\qquad
          \hat A = D^{-1/2}(A + I)D^{-1/2},

and an inner-product decoder scores every node pair, :math:`p(A_{ij}=1\mid z) = \sigma(z_i^\top z_j)`.
The loss is the paper's: a class-weighted binary cross-entropy over all :math:`N^2` pairs
(``pos_weight`` = #non-edges / #edges, scaled by ``norm``) plus :math:`\mathrm{KL}/N`.

Dense matrices are used throughout, which is right for graphs of a few thousand nodes at most.
``networkx`` is needed only when a ``networkx.Graph`` is passed in.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from vae_helpers._checks import check_non_negative, check_positive_int, check_seed
from vae_helpers.core.layers import Sampling
from vae_helpers.core.losses import kl_divergence
from vae_helpers.core.optimizers import build_optimizer
from vae_helpers.core.training import PrintProgress, TrainingRun


# ---- adjacency utilities ----------------------------------------------------------------------
def _check_adjacency(adj, name: str = "adjacency") -> np.ndarray:
    """Return ``adj`` as a float64 array after checking: 2-D, square, finite, non-negative, symmetric."""
    if isinstance(adj, (str, bytes)) or adj is None:
        raise TypeError(f"{name} must be a numeric square matrix, got {type(adj).__name__}")
    try:
        arr = np.asarray(adj, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a numeric square matrix, got {type(adj).__name__}") from err
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square (N, N) matrix, got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative, found {arr.min():.3g}")
    if not np.allclose(arr, arr.T):
        raise ValueError(f"{name} must be symmetric (an undirected graph)")
    return arr


def adjacency_matrix(graph_or_adj) -> np.ndarray:
    """A binary, symmetric, zero-diagonal float32 adjacency from a ``networkx`` graph or a matrix.

    Edge weights are dropped (an edge exists or not) and self-loops are removed. For a graph, rows
    follow ``list(graph.nodes)``.
    """
    if hasattr(graph_or_adj, "nodes") and hasattr(graph_or_adj, "edges"):
        import networkx as nx

        if graph_or_adj.is_directed():
            raise ValueError("the graph must be undirected")
        arr = nx.to_numpy_array(graph_or_adj, nodelist=list(graph_or_adj.nodes), weight=None)
    else:
        arr = graph_or_adj
    arr = (_check_adjacency(arr) > 0).astype(np.float32)
    np.fill_diagonal(arr, 0.0)
    return arr


def normalized_adjacency(adj) -> np.ndarray:
    r"""The GCN propagation matrix :math:`D^{-1/2}(A+I)D^{-1/2}` with :math:`D_{ii}=\sum_j (A+I)_{ij}`.

    ``adj`` must be a square, symmetric, non-negative matrix (weights are kept). Returns float32.
    """
    a = _check_adjacency(adj) + np.eye(len(adj))
    d_inv_sqrt = 1.0 / np.sqrt(a.sum(axis=1))
    return (a * d_inv_sqrt[:, None] * d_inv_sqrt[None, :]).astype(np.float32)


def identity_features(n_nodes: int) -> np.ndarray:
    """One-hot node features ``I_N``: the paper's *featureless* setting."""
    return np.eye(check_positive_int(n_nodes, "n_nodes"), dtype=np.float32)


@dataclass
class EdgeSplit:
    """Result of :func:`split_edges`. Pair arrays have shape ``(k, 2)`` with ``i < j``."""

    train_adj: np.ndarray
    val_pos: np.ndarray
    val_neg: np.ndarray
    test_pos: np.ndarray
    test_neg: np.ndarray

    def __repr__(self) -> str:
        n_train = int(self.train_adj.sum() // 2)
        return (
            f"EdgeSplit(nodes={len(self.train_adj)}, train_edges={n_train}, val={len(self.val_pos)}+"
            f"{len(self.val_neg)}neg, test={len(self.test_pos)}+{len(self.test_neg)}neg)"
        )


def _check_fraction(value, name: str) -> float:
    value = check_non_negative(value, name)
    if value >= 1:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def split_edges(graph_or_adj, test_fraction: float = 0.1, val_fraction: float = 0.05, seed: int = 0) -> EdgeSplit:
    """Hold out edges for link prediction and sample as many non-edges as negatives.

    ``round(fraction * E)`` edges (at least one when the fraction is > 0) are removed from the
    training adjacency for each of test and validation. An edge is only held out if both its
    endpoints keep at least one training edge, so no node becomes isolated. Negatives are
    distinct node pairs that are **not edges of the full graph** (so a held-out edge is never a
    negative), disjoint between validation and test.
    """
    adj = adjacency_matrix(graph_or_adj)
    test_fraction = _check_fraction(test_fraction, "test_fraction")
    val_fraction = _check_fraction(val_fraction, "val_fraction")
    if test_fraction + val_fraction >= 1:
        raise ValueError("test_fraction + val_fraction must be < 1")
    rng = np.random.default_rng(check_seed(seed))
    n = len(adj)
    iu, ju = np.triu_indices(n, k=1)
    is_edge = adj[iu, ju] > 0
    edges = np.stack([iu[is_edge], ju[is_edge]], axis=1)
    if len(edges) == 0:
        raise ValueError("the graph has no edges")

    def count(fraction: float) -> int:
        return 0 if fraction == 0 else max(1, int(round(fraction * len(edges))))

    n_test, n_val = count(test_fraction), count(val_fraction)
    degree = adj.sum(axis=1).astype(int)
    held: list[tuple[int, int]] = []
    for i, j in edges[rng.permutation(len(edges))]:
        if len(held) == n_test + n_val:
            break
        if degree[i] > 1 and degree[j] > 1:
            held.append((int(i), int(j)))
            degree[i] -= 1
            degree[j] -= 1
    if len(held) < n_test + n_val:
        raise ValueError(f"cannot hold out {n_test + n_val} edges without isolating nodes; use smaller fractions")
    held_arr = np.array(held, dtype=np.int64).reshape(-1, 2)
    test_pos, val_pos = held_arr[:n_test], held_arr[n_test:]

    non_edges = np.stack([iu[~is_edge], ju[~is_edge]], axis=1)
    if len(non_edges) < n_test + n_val:
        raise ValueError(f"the graph has only {len(non_edges)} non-edges, need {n_test + n_val} negatives")
    neg = non_edges[rng.choice(len(non_edges), size=n_test + n_val, replace=False)].astype(np.int64)
    test_neg, val_neg = neg[:n_test], neg[n_test:]

    train_adj = adj.copy()
    train_adj[held_arr[:, 0], held_arr[:, 1]] = 0.0
    train_adj[held_arr[:, 1], held_arr[:, 0]] = 0.0
    return EdgeSplit(train_adj, val_pos, val_neg, test_pos, test_neg)


def _check_pairs(pairs, n_nodes: int) -> np.ndarray:
    try:
        arr = np.asarray(pairs)
    except (TypeError, ValueError) as err:  # pragma: no cover - ragged input
        raise TypeError("pairs must be an integer array of shape (k, 2)") from err
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"pairs must hold integer node indices, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"pairs must have shape (k, 2), got {arr.shape}")
    if arr.min() < 0 or arr.max() >= n_nodes:
        raise ValueError(f"pairs index nodes outside [0, {n_nodes})")
    return arr.astype(np.int64)


# ---- the model ----------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="vae_helpers")
class VGAE(keras.Model):
    """Variational graph auto-encoder: 2-layer GCN encoder, inner-product decoder.

    The model is tied to a feature width ``n_features`` (``N`` for one-hot identity features),
    not to one adjacency: every inference method takes the graph it should propagate over —
    for link prediction, the **training** adjacency, never the full graph.

    Train it with :func:`train_vgae` (full batch, one step per epoch). ``call`` returns the
    edge logits :math:`z z^\\top` (``z`` sampled when ``training=True``, ``z = mu`` otherwise).
    """

    def __init__(
        self, n_features: int, hidden_dim: int = 32, latent_dim: int = 16, seed: int | None = None, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.n_features = check_positive_int(n_features, "n_features")
        self.hidden_dim = check_positive_int(hidden_dim, "hidden_dim")
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        self.seed = seed
        init = lambda s: keras.initializers.GlorotUniform(seed=None if seed is None else seed + s)  # noqa: E731
        self.gc_hidden = layers.Dense(self.hidden_dim, use_bias=False, kernel_initializer=init(0), name="gc_hidden")
        self.gc_mean = layers.Dense(self.latent_dim, use_bias=False, kernel_initializer=init(1), name="gc_mean")
        self.gc_log_var = layers.Dense(self.latent_dim, use_bias=False, kernel_initializer=init(2), name="gc_log_var")
        self.gc_hidden.build((None, self.n_features))
        self.gc_mean.build((None, self.hidden_dim))
        self.gc_log_var.build((None, self.hidden_dim))
        self.sampling = Sampling(seed=seed, name="sampling")
        self.recon_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")
        self.built = True

    # ---- inputs -----------------------------------------------------------------------------
    def graph_inputs(self, adjacency, features=None) -> tuple[np.ndarray, np.ndarray]:
        """Validated ``(features, normalized adjacency)`` as float32; features default to identity."""
        adj = _check_adjacency(adjacency)
        n = len(adj)
        if features is None:
            features = identity_features(n)
        try:
            feats = np.asarray(features, dtype=np.float32)
        except (TypeError, ValueError) as err:
            raise TypeError(f"features must be a numeric (N, F) array, got {type(features).__name__}") from err
        if feats.ndim != 2 or feats.shape[0] != n:
            raise ValueError(f"features must have shape ({n}, {self.n_features}), got {feats.shape}")
        if feats.shape[1] != self.n_features:
            raise ValueError(f"the model expects {self.n_features} features per node, got {feats.shape[1]}")
        if not np.all(np.isfinite(feats)):
            raise ValueError("features contain NaN or infinite values")
        return feats, normalized_adjacency(adj)

    # ---- forward ----------------------------------------------------------------------------
    def encode(self, features, norm_adj, training: bool = False):
        """Posterior parameters ``(mu, log_var)`` per node, each ``(N, latent_dim)`` (tensors)."""
        h = ops.relu(ops.matmul(norm_adj, self.gc_hidden(features)))
        return ops.matmul(norm_adj, self.gc_mean(h)), ops.matmul(norm_adj, self.gc_log_var(h))

    def call(self, inputs, training: bool = False):
        features, norm_adj = inputs
        z_mean, z_log_var = self.encode(features, norm_adj, training=training)
        z = self.sampling([z_mean, z_log_var]) if training else z_mean
        return ops.matmul(z, ops.transpose(z))

    # ---- loss and training ------------------------------------------------------------------
    def loss_terms(self, features, norm_adj, labels, training: bool = False) -> dict:
        """The paper's loss: norm * mean weighted BCE over all N^2 pairs + KL / N.

        ``labels`` is the training adjacency **plus the identity** (self-loops count as edges).
        """
        labels = ops.cast(labels, "float32")
        n = ops.cast(ops.shape(labels)[0], "float32")
        n_pairs = n * n
        n_pos = ops.sum(labels)
        pos_weight = (n_pairs - n_pos) / n_pos
        norm = n_pairs / (2.0 * (n_pairs - n_pos))
        z_mean, z_log_var = self.encode(features, norm_adj, training=training)
        z = self.sampling([z_mean, z_log_var])
        logits = ops.matmul(z, ops.transpose(z))
        # weighted BCE from logits: pos_weight * y * softplus(-l) + (1 - y) * softplus(l)
        bce = pos_weight * labels * ops.softplus(-logits) + (1.0 - labels) * ops.softplus(logits)
        recon = norm * ops.mean(bce)
        kl = ops.mean(kl_divergence(z_mean, z_log_var)) / n
        return {"loss": recon + kl, "reconstruction_loss": recon, "kl_loss": kl}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True):
        """Keras's training hook: ``x = (features, norm_adj)``, ``y`` the target adjacency + I."""
        features, norm_adj = x
        terms = self.loss_terms(features, norm_adj, y, training=training)
        self.recon_tracker.update_state(terms["reconstruction_loss"])
        self.kl_tracker.update_state(terms["kl_loss"])
        return terms["loss"]

    # ---- inference --------------------------------------------------------------------------
    def embed(self, adjacency, features=None) -> np.ndarray:
        """Posterior means ``mu``, shape ``(N, latent_dim)``: the node embeddings."""
        feats, norm_adj = self.graph_inputs(adjacency, features)
        return ops.convert_to_numpy(self.encode(feats, norm_adj)[0])

    def edge_scores(self, pairs, adjacency, features=None) -> np.ndarray:
        """Edge probabilities ``sigmoid(mu_i . mu_j)`` for node pairs ``(k, 2)``, propagating over ``adjacency``."""
        z = self.embed(adjacency, features)
        pairs = _check_pairs(pairs, len(z))
        logits = np.sum(z[pairs[:, 0]] * z[pairs[:, 1]], axis=1)
        return 1.0 / (1.0 + np.exp(-logits))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "n_features": self.n_features,
            "hidden_dim": self.hidden_dim,
            "latent_dim": self.latent_dim,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def train_vgae(
    model: VGAE,
    adjacency,
    features=None,
    epochs: int = 200,
    learning_rate: float = 0.01,
    print_every: int | None = None,
) -> TrainingRun:
    """Full-batch training of a :class:`VGAE` on one graph (Adam, one gradient step per epoch).

    ``adjacency`` is the graph to learn from (for link prediction: ``split.train_adj``); the
    reconstruction targets are ``adjacency + I`` as in the paper. ``epochs=0`` returns at once
    (an untrained model, for showing that self-checks fail).
    """
    if not isinstance(model, VGAE):
        raise TypeError(f"model must be a VGAE, got {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    learning_rate = check_non_negative(learning_rate, "learning_rate")
    feats, norm_adj = model.graph_inputs(adjacency, features)
    labels = (_check_adjacency(adjacency) > 0).astype(np.float32)
    np.fill_diagonal(labels, 1.0)
    if not model.compiled:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    build_optimizer(model.optimizer, model.trainable_variables)
    if epochs == 0:
        return TrainingRun()
    ds = tf.data.Dataset.from_tensors(((feats, norm_adj), labels)).repeat()
    callbacks = [PrintProgress(print_every, keys=("loss", "reconstruction_loss", "kl_loss"))] if print_every else []
    start = time.perf_counter()
    hist = model.fit(ds, epochs=int(epochs), steps_per_epoch=1, verbose=0, shuffle=False, callbacks=callbacks)
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    return TrainingRun(history, seconds, epochs * len(feats) / seconds)


# ---- evaluation and the baseline ----------------------------------------------------------------
def link_prediction_scores(scores_pos, scores_neg) -> dict[str, float]:
    """ROC-AUC and average precision of scores for held-out edges (positives) vs non-edges (negatives)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    pos = np.asarray(scores_pos, dtype=np.float64).ravel()
    neg = np.asarray(scores_neg, dtype=np.float64).ravel()
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("need at least one positive and one negative score")
    if not (np.all(np.isfinite(pos)) and np.all(np.isfinite(neg))):
        raise ValueError("scores contain NaN or infinite values")
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    s = np.concatenate([pos, neg])
    return {"auc": float(roc_auc_score(y, s)), "ap": float(average_precision_score(y, s))}


def spectral_embedding_scores(train_adj, dim: int, pairs, seed: int = 0) -> np.ndarray:
    """Baseline: Laplacian-eigenmap embedding of the training graph (``sklearn.manifold.SpectralEmbedding``,
    ``affinity="precomputed"``), scored by the dot product of the two nodes' embeddings.

    The useful ``dim`` depends on the graph (few eigenvectors for few communities): choose it on
    validation edges. If the split disconnected the graph, sklearn's warning is silenced.
    """
    from sklearn.manifold import SpectralEmbedding

    adj = adjacency_matrix(train_adj)
    dim = check_positive_int(dim, "dim")
    if dim >= len(adj):
        raise ValueError(f"dim must be < number of nodes ({len(adj)}), got {dim}")
    pairs = _check_pairs(pairs, len(adj))
    with warnings.catch_warnings():  # a split may disconnect the graph; sklearn then warns on every call
        warnings.filterwarnings("ignore", message="Graph is not fully connected")
        emb = SpectralEmbedding(n_components=dim, affinity="precomputed", random_state=seed).fit_transform(adj)
    return np.sum(emb[pairs[:, 0]] * emb[pairs[:, 1]], axis=1)
