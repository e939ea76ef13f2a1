"""A small DCGAN-style GAN, for comparing VAEs with adversarial training (lessons 06 and 29).

* :func:`build_gan_generator` — ``z -> Dense -> Reshape -> Conv2DTranspose`` blocks, sigmoid output
  in [0, 1] (the same pixel range as the course's image data).
* :func:`build_gan_discriminator` — strided ``Conv2D`` + ``LeakyReLU`` blocks to **one logit**
  (no sigmoid: the losses are computed from logits, which is numerically stable).
* :class:`GAN` — a ``keras.Model`` whose ``train_step`` alternates one discriminator and one
  generator update with the **non-saturating** loss of Goodfellow et al. (2014):

  ``d_loss = -E[log D(x)] - E[log(1 - D(G(z)))]`` and ``g_loss = -E[log D(G(z))]``

  where ``D = sigmoid(logit)``; with logits, ``-log sigmoid(l) = softplus(-l)`` and
  ``-log(1 - sigmoid(l)) = softplus(l)``.

The GAN is deliberately not a :class:`~vae_helpers.core.LatentModel`: it has no encoder and no
likelihood, which is exactly the point the lessons make.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from vae_helpers._checks import (
    as_float_array,
    check_divisible,
    check_non_negative,
    check_positive_int,
    check_seed,
    check_shape,
    check_unit_interval,
    deserialize_parts,
    serialize_parts,
    validate_fit_arrays,
)
from vae_helpers.core.optimizers import build_optimizer


def _check_image_shape(shape: Sequence[int], name: str) -> tuple[int, int, int]:
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise TypeError(f"{name} must be a (height, width, channels) tuple, got {shape!r}")
    return tuple(check_positive_int(s, f"{name} entry") for s in shape)  # type: ignore[return-value]


def build_gan_generator(
    latent_dim: int = 32,
    output_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (64, 32),
    name: str = "gan_generator",
    batch_norm: bool = False,
) -> keras.Model:
    """Generator ``G(z)``: Dense -> Reshape to a small map -> ``Conv2DTranspose`` (stride 2) blocks.

    The last layer is a 3x3 ``Conv2D`` with a **sigmoid**, so samples are pixel intensities in [0, 1].
    Height and width must be divisible by ``2 ** len(filters)``. ``batch_norm=True`` adds
    ``BatchNormalization`` before every LeakyReLU (and drops the biases it makes redundant), the
    DCGAN recipe of Radford et al. (2016) that stabilises and speeds up generator training
    (momentum 0.9, PyTorch's default, so that the moving statistics settle within a few dozen steps).
    """
    if not isinstance(batch_norm, bool):
        raise TypeError(f"batch_norm must be True or False, got {batch_norm!r}")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    height, width, channels = _check_image_shape(output_shape, "output_shape")
    filters = tuple(check_positive_int(f, "filters") for f in filters)
    if not filters:
        raise ValueError("filters must name at least one upsampling block")
    factor = 2 ** len(filters)
    check_divisible(height, width, factor, f"{len(filters)} stride-2 upsampling blocks")
    z = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense((height // factor) * (width // factor) * filters[0], use_bias=not batch_norm)(z)
    if batch_norm:
        h = layers.BatchNormalization(momentum=0.9)(h)
    h = layers.LeakyReLU(0.2)(h)
    h = layers.Reshape((height // factor, width // factor, filters[0]))(h)
    for f in filters:
        h = layers.Conv2DTranspose(f, 4, strides=2, padding="same", use_bias=not batch_norm)(h)
        if batch_norm:
            h = layers.BatchNormalization(momentum=0.9)(h)
        h = layers.LeakyReLU(0.2)(h)
    out = layers.Conv2D(channels, 3, padding="same", activation="sigmoid", name="pixels")(h)
    return keras.Model(z, out, name=name)


def build_gan_discriminator(
    input_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (32, 64),
    dropout: float = 0.0,
    name: str = "gan_discriminator",
) -> keras.Model:
    """Discriminator ``D(x)``: strided ``Conv2D`` + ``LeakyReLU(0.2)`` blocks -> Flatten -> one **logit**."""
    input_shape = _check_image_shape(input_shape, "input_shape")
    filters = tuple(check_positive_int(f, "filters") for f in filters)
    if not filters:
        raise ValueError("filters must name at least one convolution block")
    dropout = check_non_negative(dropout, "dropout")
    if dropout >= 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    x = keras.Input(shape=input_shape, name="x")
    h = x
    for f in filters:
        h = layers.Conv2D(f, 4, strides=2, padding="same")(h)
        h = layers.LeakyReLU(0.2)(h)
    h = layers.Flatten()(h)
    if dropout:
        h = layers.Dropout(dropout)(h)
    return keras.Model(x, layers.Dense(1, name="logit")(h), name=name)


def _loss_scaled(optimizer: keras.optimizers.Optimizer) -> keras.optimizers.Optimizer:
    """Wrap ``optimizer`` in a ``LossScaleOptimizer`` under the ``mixed_float16`` policy, as
    ``keras.Model.compile`` does for a model's single optimizer (float16 gradients underflow otherwise)."""
    if keras.config.dtype_policy().name == "mixed_float16" and not isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


@keras.saving.register_keras_serializable(package="vae_helpers")
class GAN(keras.Model):
    """Generator + discriminator trained adversarially with the non-saturating loss.

    ``compile(d_optimizer, g_optimizer)`` takes one optimizer per network (default: Adam with
    learning rate 2e-4 and ``beta_1=0.5``, the DCGAN setting). ``fit`` validates NumPy inputs
    (finite, the discriminator's input shape, values in [0, 1]) and compiles with the defaults
    if needed. The history records ``d_loss`` and ``g_loss`` (nats, batch means).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model) or not isinstance(discriminator, keras.Model):
            raise TypeError("generator and discriminator must be keras.Model instances")
        gen_out = tuple(generator.outputs[0].shape[1:])
        disc_in = tuple(discriminator.inputs[0].shape[1:])
        if gen_out != disc_in:
            raise ValueError(f"generator outputs shape {gen_out} but the discriminator expects {disc_in}")
        if tuple(discriminator.outputs[0].shape[1:]) != (1,):
            raise ValueError("the discriminator must output one logit per example, shape (n, 1)")
        if seed is not None:
            check_seed(seed)
        self.generator = generator
        self.discriminator = discriminator
        self.seed = None if seed is None else int(seed)
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.image_shape = disc_in
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_optimizer = None
        self.g_optimizer = None
        self.built = True  # generator and discriminator are built functional models

    def build(self, input_shape=None) -> None:
        """Generator and discriminator are functional models, built at construction."""
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training: bool = False):
        """``G(z)``: images in [0, 1] from latent codes of shape ``(n, latent_dim)``."""
        return self.generator(z, training=training)

    # ---- training ---------------------------------------------------------------------------
    def compile(
        self,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        **kwargs,
    ) -> None:
        """Set one optimizer per network (defaults: ``Adam(2e-4, beta_1=0.5)`` each)."""
        kwargs.pop("optimizer", None)
        kwargs.pop("loss", None)
        super().compile(**kwargs)
        for opt, name in ((d_optimizer, "d_optimizer"), (g_optimizer, "g_optimizer")):
            if opt is not None and not isinstance(opt, keras.optimizers.Optimizer):
                raise TypeError(f"{name} must be a keras optimizer, got {type(opt).__name__}")
        self.d_optimizer = _loss_scaled(d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5))
        self.g_optimizer = _loss_scaled(g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5))

    def get_compile_config(self) -> dict | None:
        if self.d_optimizer is None:
            return None
        return serialize_parts(self, "d_optimizer", "g_optimizer")

    def compile_from_config(self, config: dict) -> None:
        self.compile(**deserialize_parts(config, "d_optimizer", "g_optimizer"))
        # build the optimizer slots now so that saved optimizer state can be loaded into them
        build_optimizer(self.d_optimizer, self.discriminator.trainable_variables)
        build_optimizer(self.g_optimizer, self.generator.trainable_variables)

    def losses_from_logits(self, real_logits, fake_logits) -> tuple:
        """``(d_loss, g_loss)``: binary cross-entropies from logits (non-saturating generator loss)."""
        d_loss = ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))
        g_loss = ops.mean(ops.softplus(-fake_logits))
        return d_loss, g_loss

    def train_step(self, data):
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        batch = ops.shape(x)[0]
        # 1) discriminator: real -> 1, fake -> 0
        z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            real_logits = self.discriminator(x, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss, _ = self.losses_from_logits(real_logits, fake_logits)
            scaled = self.d_optimizer.scale_loss(d_loss)  # identity unless mixed precision
        grads = tape.gradient(scaled, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        # 2) generator: non-saturating loss -log D(G(z)) on fresh noise
        z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = ops.mean(ops.softplus(-fake_logits))
            scaled = self.g_optimizer.scale_loss(g_loss)
        grads = tape.gradient(scaled, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        z = keras.random.normal((ops.shape(x)[0], self.latent_dim), seed=self.seed_generator)
        d_loss, g_loss = self.losses_from_logits(
            self.discriminator(x, training=False), self.discriminator(self.generator(z, training=False), training=False)
        )
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    # ---- input checks -----------------------------------------------------------------------
    def check_inputs(self, x, name: str = "x") -> np.ndarray:
        """Validate a NumPy batch of real images: finite, the discriminator's shape, in [0, 1]."""
        arr = as_float_array(x, name)
        check_shape(arr, self.image_shape, name)
        try:
            check_unit_interval(arr, name)
        except ValueError as err:  # same check, GAN wording (the generator's sigmoid outputs [0, 1])
            raise ValueError(
                str(err)
                .replace("for a Bernoulli likelihood", "(the generator's sigmoid range)")
                .replace(" or use likelihood='gaussian'", "")
            ) from None
        return arr

    def fit(self, x=None, y=None, *args, validation_data=None, **kwargs):
        """``keras.Model.fit`` that validates NumPy inputs first and compiles with defaults if needed."""
        x, validation_data = validate_fit_arrays(self, x, validation_data)
        if not self.compiled:
            self.compile()
        build_optimizer(self.d_optimizer, self.discriminator.trainable_variables)
        build_optimizer(self.g_optimizer, self.generator.trainable_variables)
        return super().fit(x, y, *args, validation_data=validation_data, **kwargs)

    # ---- generation -------------------------------------------------------------------------
    def sample(self, n: int, seed: int = 0, batch_size: int = 1024) -> np.ndarray:
        """Generate ``n`` images: ``z ~ N(0, I)`` (NumPy RNG seeded with ``seed``), ``x = G(z)``."""
        n = check_positive_int(n, "n")
        batch_size = check_positive_int(batch_size, "batch_size")
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32)
        return np.concatenate(
            [
                ops.convert_to_numpy(self.generator(z[i : i + batch_size], training=False))
                for i in range(0, n, batch_size)
            ]
        )

    def get_config(self) -> dict:
        return {**super().get_config(), **serialize_parts(self, "generator", "discriminator"), "seed": self.seed}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**deserialize_parts(config, "generator", "discriminator"))
