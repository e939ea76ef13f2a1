"""Shared fixtures: small synthetic data and tiny models so unit tests stay fast."""

import os

os.environ.setdefault("VAE_FAST", "1")
os.environ.setdefault("VAE_OFFLINE", "1")

import numpy as np
import pytest

import vae_helpers as vh


@pytest.fixture
def images():
    """64 random 8x8 'images' in [0, 1]."""
    return np.random.default_rng(0).random((64, 8, 8, 1)).astype(np.float32)


@pytest.fixture
def tiny_vae():
    vh.set_seed(0)
    enc = vh.build_mlp_encoder((8, 8, 1), latent_dim=3, hidden=(16,))
    dec = vh.build_mlp_decoder(3, (8, 8, 1), hidden=(16,))
    return vh.VAE(enc, dec)
