"""Compatibility shim: moved to vae_helpers.core.models; removed once the notebooks import from there."""

from vae_helpers.core.models import DEFAULT_LOGVAR_RANGE, VAE, Autoencoder, LatentModel  # noqa: F401
