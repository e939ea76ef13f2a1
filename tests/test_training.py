import keras
import numpy as np
import pytest

import vae_helpers as vh


def test_kl_annealing_ramps_weight_to_beta(images):
    vh.set_seed(0)
    model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), 2, (16,)), vh.build_mlp_decoder(2, (8, 8, 1), (16,)), beta=2.0)
    anneal = vh.KLAnnealing(warmup_epochs=4)
    vh.train(model, images, epochs=6, batch_size=32, callbacks=[anneal], print_every=None)
    assert anneal.weights_used == [0.0, 0.5, 1.0, 1.5, 2.0, 2.0]
    assert float(model.kl_weight.numpy()) == 2.0


def test_kl_annealing_rejects_bad_arguments(images):
    with pytest.raises(ValueError, match="warmup_epochs"):
        vh.KLAnnealing(0)
    ae = vh.Autoencoder(
        vh.build_mlp_encoder((8, 8, 1), 2, (8,), variational=False), vh.build_mlp_decoder(2, (8, 8, 1), (8,))
    )
    with pytest.raises(TypeError, match="VAE"):
        vh.train(ae, images, epochs=1, callbacks=[vh.KLAnnealing(2)], print_every=None)


def test_free_bits_keeps_kl_from_collapsing(images):
    vh.set_seed(0)
    x = (images > 0.5).astype(np.float32)
    kls = {}
    for fb in (0.0, 1.0):
        vh.set_seed(0)
        m = vh.VAE(
            vh.build_mlp_encoder((8, 8, 1), 4, (16,)), vh.build_mlp_decoder(4, (8, 8, 1), (16,)), beta=4.0, free_bits=fb
        )
        kls[fb] = vh.train(m, x, epochs=20, batch_size=16, print_every=None).last("kl_loss")
    assert kls[1.0] > kls[0.0]


def test_train_validates_arguments(tiny_vae, images):
    with pytest.raises(ValueError, match="epochs"):
        vh.train(tiny_vae, images, epochs=-1)
    with pytest.raises(TypeError, match="model"):
        vh.train("vae", images)
    with pytest.raises(ValueError, match="batch_size"):
        vh.train(tiny_vae, images, batch_size=0)
    run = vh.train(tiny_vae, images, epochs=0)
    assert run.history == {} and tiny_vae.built
    with pytest.raises(KeyError, match="loss"):
        run.last("loss")


def test_print_progress_prints_lines(tiny_vae, images, capsys):
    vh.train(tiny_vae, images, epochs=2, batch_size=32, print_every=1)
    out = capsys.readouterr().out
    assert "epoch   1" in out and "epoch   2" in out


def test_make_dataset_dynamic_binarization(images):
    ds = vh.make_dataset(images, batch_size=16, dynamic_binarization=True)
    batches = [b.numpy() for b in ds]
    assert sum(len(b) for b in batches) == 64
    assert set(np.unique(np.concatenate(batches))) <= {0.0, 1.0}
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vh.make_dataset(images * 2, dynamic_binarization=True)
    unshuffled = vh.make_dataset(images, batch_size=64, shuffle=False, dynamic_binarization=True)
    first, second = (next(iter(unshuffled)).numpy() for _ in range(2))
    assert not np.array_equal(first, second), "each epoch must draw fresh binary pixels"


def test_train_with_dataset(tiny_vae, images):
    """The dataset replaces x_train: trained on all-black images, the model reconstructs black, not images."""
    black = np.zeros_like(images)
    ds = vh.make_dataset(black, batch_size=16, dynamic_binarization=True)
    run = vh.train(tiny_vae, images, epochs=20, dataset=ds, learning_rate=1e-2, print_every=None)
    assert len(run.history["loss"]) == 20
    assert tiny_vae.reconstruct(images).mean() < 0.5 * images.mean()


def test_train_step_adds_layer_weight_penalties(images):
    import keras

    def trained_kernel_norm(l2):
        vh.set_seed(0)
        x = keras.Input((8, 8, 1))
        h = keras.layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L2(l2))(
            keras.layers.Flatten()(x)
        )
        enc = keras.Model(x, [keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)])
        model = vh.VAE(enc, vh.build_mlp_decoder(2, (8, 8, 1), (16,)))
        vh.train(model, images, epochs=10, batch_size=16, learning_rate=0.02, print_every=None)
        return float(np.linalg.norm(enc.layers[2].get_weights()[0]))

    assert trained_kernel_norm(10.0) < 0.5 * trained_kernel_norm(0.0)


def test_throughput_counts_only_epochs_that_ran(tiny_vae, images):
    import keras

    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)  # stops after epoch 2
    run = vh.train(tiny_vae, images, epochs=50, batch_size=16, callbacks=[stop], print_every=None)
    ran = len(run.history["loss"])
    assert ran < 50
    assert run.samples_per_second == pytest.approx(ran * len(images) / run.seconds)


def _loss_drop_under_policy(policy: str, images) -> float:
    """Loss before minus loss after 40 SGD steps of the same small VAE under ``policy``.

    Plain SGD, not Adam: Adam's update is invariant to a constant gradient scale, so it would hide
    gradients left multiplied by 1/32768 (an unscaled loss under a LossScaleOptimizer)."""
    import keras

    keras.mixed_precision.set_global_policy(policy)
    try:
        vh.set_seed(0)
        model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), 2, (32,)), vh.build_mlp_decoder(2, (8, 8, 1), (32,)), seed=0)
        model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9))
        before = model.evaluate(images, verbose=0, batch_size=64)
        run = vh.train(model, images, epochs=10, batch_size=16, print_every=None)  # 4 steps per epoch
        after = model.evaluate(images, verbose=0, batch_size=64)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert all(np.isfinite(run.history["loss"]))
    return float(np.ravel(before)[0]) - float(np.ravel(after)[0])


def test_vae_trains_under_mixed_float16_as_well_as_float32(images):
    """Under mixed_float16 compile() wraps the optimizer in a LossScaleOptimizer; unless the loss is scaled
    inside the tape (Keras's own train_step does it), gradients are divided by 32768 and nothing moves."""
    drop32 = _loss_drop_under_policy("float32", images)
    drop16 = _loss_drop_under_policy("mixed_float16", images)
    assert drop32 > 0.5
    print(f"loss drop: float32 {drop32:.2f}, mixed_float16 {drop16:.2f}")
    assert drop16 > 0.7 * drop32, (drop16, drop32)


def test_vae_trains_under_mixed_bfloat16(images):
    assert _loss_drop_under_policy("mixed_bfloat16", images) > 0.5


def test_train_warns_when_it_ignores_the_learning_rate_of_a_compiled_model(tiny_vae, images):
    vh.train(tiny_vae, images, epochs=1, batch_size=32, print_every=None)
    with pytest.warns(UserWarning, match="already compiled"):
        vh.train(tiny_vae, images, epochs=1, batch_size=32, learning_rate=0.1, print_every=None)
    with pytest.warns(UserWarning, match="clipnorm"):
        vh.train(tiny_vae, images, epochs=1, batch_size=32, clipnorm=1.0, print_every=None)


class TraceCountingVAE(vh.VAE):
    """Counts how often Keras traces its training step (Python code in a traced step runs once per trace)."""

    traces = 0

    def train_step(self, data):
        type(self).traces += 1
        return super().train_step(data)


def _tiny_counting_vae():
    vh.set_seed(0)
    return TraceCountingVAE(vh.build_mlp_encoder((8, 8, 1), 2, (16,)), vh.build_mlp_decoder(2, (8, 8, 1), (16,)))


def test_fit_traces_the_training_step_once(images):
    """Without building the optimizer first, TensorFlow traces the step twice (once to create Adam's state)."""
    TraceCountingVAE.traces = 0
    model = _tiny_counting_vae()
    vh.train(model, images, images[:16], epochs=2, batch_size=32, print_every=None)
    assert TraceCountingVAE.traces == 1
    assert model.optimizer.built


def test_building_the_optimizer_first_gives_the_same_numbers(images):
    runs = []
    for prebuild in (False, True):
        model = _tiny_counting_vae()
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        if not prebuild:  # Keras's own path: the state is created inside the first trace
            keras.Model.fit(model, images, epochs=2, batch_size=32, verbose=0)
        else:
            model.fit(images, epochs=2, batch_size=32, verbose=0)
        runs.append([w.numpy() for w in model.trainable_variables])
    for before, after in zip(*runs, strict=True):
        np.testing.assert_allclose(before, after, rtol=1e-6, atol=1e-7)


def test_build_optimizer_builds_once_and_rejects_bad_input(tiny_vae):
    optimizer = keras.optimizers.Adam(1e-3)
    assert vh.core.build_optimizer(optimizer, []) is False and not optimizer.built  # nothing to build yet
    assert vh.core.build_optimizer(optimizer, tiny_vae.trainable_variables) is True
    assert vh.core.build_optimizer(optimizer, tiny_vae.trainable_variables) is False
    with pytest.raises(TypeError, match="optimizer"):
        vh.core.build_optimizer("adam", tiny_vae.trainable_variables)
    with pytest.raises(TypeError, match="keras.Variable"):
        vh.core.build_optimizer(keras.optimizers.Adam(), [np.zeros(3)])
