"""Compatibility shim: moved to vae_helpers._checks; removed once the notebooks import from there."""

from vae_helpers._checks import deserialize_parts, serialize_parts  # noqa: F401
