"""Nested Keras objects (sub-models, optimizers) inside a model's config, for ``model.save``/``load_model``."""

from __future__ import annotations

import keras


def serialize_parts(owner, *names: str) -> dict:
    """``{name: serialized getattr(owner, name)}`` for each attribute name."""
    return {name: keras.saving.serialize_keras_object(getattr(owner, name)) for name in names}


def deserialize_parts(config: dict, *names: str) -> dict:
    """A copy of ``config`` with the named entries turned back into Keras objects."""
    config = dict(config)
    for name in names:
        config[name] = keras.saving.deserialize_keras_object(config[name])
    return config
