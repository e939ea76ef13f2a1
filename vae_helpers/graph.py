"""Compatibility shim: moved to vae_helpers.graphs; removed once the notebooks import from there."""

from vae_helpers.graphs import (  # noqa: F401
    VGAE,
    EdgeSplit,
    adjacency_matrix,
    identity_features,
    link_prediction_scores,
    normalized_adjacency,
    spectral_embedding_scores,
    split_edges,
    train_vgae,
)
