"""Time vae_helpers training against a keras-io-style reference VAE (hand-written train_step).

Same convolutional architecture, data, batch size, optimiser and epochs, in one run. Prints
samples/second and test ELBO for both. Usage: ``make benchmark`` or
``python benchmarks/bench_training.py --epochs 5 --repeats 2``.
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

import vae_helpers as vh


class ReferenceVAE(keras.Model):
    """The keras-io VAE example's structure: encoder, decoder, loss computed in train_step."""

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.seed_generator = keras.random.SeedGenerator(0)
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def train_step(self, x):
        with tf.GradientTape() as tape:
            z_mean, z_log_var = self.encoder(x, training=True)
            eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
            logits = self.decoder(z_mean + ops.exp(0.5 * z_log_var) * eps, training=True)
            recon = ops.mean(ops.sum(ops.softplus(logits) - x * logits, axis=(1, 2, 3)))
            kl = ops.mean(-0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1))
            loss = recon + kl
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


def reference_networks(latent_dim: int):
    """Written out with plain layers; the same shapes as vh.build_conv_encoder/decoder defaults."""
    x = keras.Input((28, 28, 1))
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
    h = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Dense(128, activation="relu")(layers.Flatten()(h))
    encoder = keras.Model(x, [layers.Dense(latent_dim)(h), layers.Dense(latent_dim)(h)])
    z = keras.Input((latent_dim,))
    h = layers.Reshape((7, 7, 64))(layers.Dense(7 * 7 * 64, activation="relu")(z))
    h = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
    decoder = keras.Model(z, layers.Conv2D(1, 3, padding="same")(h))
    return encoder, decoder


def time_fit(model, x, epochs: int, batch: int) -> float:
    model.fit(x[: batch * 2], epochs=1, batch_size=batch, verbose=0)  # trace/compile outside the timing
    start = time.perf_counter()
    model.fit(x, epochs=epochs, batch_size=batch, verbose=0)
    return epochs * len(x) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--latent", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    data = vh.load_mnist()
    results: dict[str, list[tuple[float, float]]] = {"keras-io-style reference": [], "vae_helpers.VAE": []}
    for rep in range(args.repeats):
        for name in results:  # alternate order-independent: same seed, same data each time
            vh.set_seed(rep)
            if name == "vae_helpers.VAE":
                model = vh.VAE(
                    vh.build_conv_encoder(latent_dim=args.latent), vh.build_conv_decoder(latent_dim=args.latent)
                )
            else:
                model = ReferenceVAE(*reference_networks(args.latent))
            model.compile(optimizer=keras.optimizers.Adam(1e-3))
            speed = time_fit(model, data.x_train, args.epochs, args.batch)
            judge = vh.VAE(*reference_networks(args.latent)) if name != "vae_helpers.VAE" else model
            if judge is not model:  # score the reference with the same ELBO code
                judge.encoder.set_weights(model.encoder.get_weights())
                judge.decoder.set_weights(model.decoder.get_weights())
            results[name].append((speed, vh.evaluate_elbo(judge, data.x_test)["elbo"]))
    print(f"\n{'model':28s} {'samples/s (median)':>20s} {'test ELBO (nats, mean)':>24s}")
    for name, rows in results.items():
        speeds, elbos = zip(*rows)
        print(f"{name:28s} {np.median(speeds):20.0f} {np.mean(elbos):24.1f}")
    ref, ours = (np.median([r[0] for r in rows]) for rows in results.values())
    print(f"\nvae_helpers / reference throughput ratio: {ours / ref:.2f}")


if __name__ == "__main__":
    main()
