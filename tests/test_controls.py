"""Degenerate controls (vh.evaluation.controls): each control really is the broken model it names, and a
self-check written as a function passes the trained model and fails its controls."""

import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.evaluation import controls


@pytest.fixture(scope="module")
def digits():
    d = vh.load_digits()  # binarized: 64 grey levels would leave a VAE only a few nats above the mean image
    return (d.x_train > 0.5).astype(np.float32), (d.x_test > 0.5).astype(np.float32)


@pytest.fixture(scope="module")
def trained(digits):
    x_train, _ = digits
    vh.set_seed(0)
    model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), 4, hidden=(64,)), vh.build_mlp_decoder(4, (8, 8, 1), hidden=(64,)))
    vh.train(model, x_train, epochs=40, batch_size=64, learning_rate=3e-3, print_every=None)
    return model


def test_mean_image_control_elbo_equals_the_independent_pixel_floor(trained, digits):
    x_train, x_test = digits
    control = controls.mean_image(trained, x_train)
    result = vh.evaluate_elbo(control, x_test)
    assert result["kl"] == pytest.approx(0.0, abs=1e-6)
    assert result["elbo"] == pytest.approx(controls.elbo_floor(x_train, x_test), abs=1e-3)
    np.testing.assert_allclose(control.sample(3), np.repeat(x_train.mean(0, keepdims=True), 3, 0), atol=1e-3)


def test_collapsed_encoder_has_zero_kl_and_ignores_x(trained, digits):
    _, x_test = digits
    control = controls.collapsed_encoder(trained)
    z_mean, z_log_var = control.encode(x_test[:20])
    assert np.all(z_mean == 0) and np.all(z_log_var == 0)
    assert vh.evaluate_elbo(control, x_test)["kl"] == pytest.approx(0.0, abs=1e-6)
    recon = control.reconstruct(x_test[:20])
    assert np.allclose(recon, recon[:1])  # every input reconstructs to the same image
    assert control.decoder is trained.decoder


def test_decoder_ignores_z_gives_one_output_for_every_code(trained, digits):
    control = controls.decoder_ignores_z(trained)
    out = control.decode(np.random.default_rng(0).standard_normal((10, 4)).astype(np.float32))
    assert np.allclose(out, out[:1])
    np.testing.assert_allclose(out[0], trained.decode(np.zeros((1, 4), np.float32))[0], atol=1e-6)
    assert control.encoder is trained.encoder


def test_untrained_control_has_new_weights_and_the_same_architecture(trained, digits):
    _, x_test = digits
    control = controls.untrained(trained)
    assert control.count_params() == trained.count_params()
    assert not np.allclose(control.decoder.get_weights()[0], trained.decoder.get_weights()[0])
    assert vh.evaluate_elbo(control, x_test)["elbo"] < vh.evaluate_elbo(trained, x_test)["elbo"]


def test_training_copier_returns_training_images(digits):
    x_train, _ = digits
    samples = controls.TrainingCopier(x_train).sample(5, seed=1)
    flat = x_train.reshape(len(x_train), -1)
    assert all((flat == s.reshape(1, -1)).all(axis=1).any() for s in samples)
    with pytest.raises(ValueError, match="empty"):
        controls.TrainingCopier(x_train[:0])


def test_standard_normal_prior_control_only_for_learned_priors(trained, digits):
    x_train, _ = digits
    with pytest.raises(ValueError, match="learned prior"):
        controls.standard_normal_prior(trained)
    vh.set_seed(0)
    enc, dec = vh.build_mlp_encoder((8, 8, 1), 2, hidden=(16,)), vh.build_mlp_decoder(2, (8, 8, 1), hidden=(16,))
    prior_model = vh.core.MixturePriorVAE(enc, dec, n_components=3)
    control = controls.standard_normal_prior(prior_model)
    assert control.has_standard_prior and control.encoder is enc and control.decoder is dec
    assert set(controls.degenerate_controls(prior_model, x_train)) == set(controls.CONTROL_KINDS)
    assert "standard_normal_prior" not in controls.degenerate_controls(trained, x_train)


def test_a_self_check_as_a_function_fails_every_control(trained, digits):
    """The pattern of CONTRIBUTING.md: the check passes the trained model and fails each model-shaped control."""
    x_train, x_test = digits
    floor = controls.elbo_floor(x_train, x_test)

    def check(model):
        elbo = vh.evaluate_elbo(model, x_test)
        return elbo["elbo"] > floor + 5 and elbo["kl"] > 1.0

    assert check(trained)
    for name, control in controls.degenerate_controls(trained, x_train).items():
        if name != "training_copier":
            assert not check(control), f"the check passes the {name} control"


def test_elbo_margin_over_floor(trained, digits, capsys):
    x_train, x_test = digits
    elbo = vh.evaluate_elbo(trained, x_test)["elbo"]
    gain = controls.elbo_margin_over_floor(elbo, x_train, x_test, margin=5)
    assert gain > 5 and "independent-pixel floor" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="mean-image floor"):
        controls.elbo_margin_over_floor(controls.elbo_floor(x_train, x_test), x_train, x_test)
    with pytest.raises(ValueError, match="finite"):
        controls.elbo_margin_over_floor(float("nan"), x_train, x_test)


def test_bad_inputs_are_clear_errors(digits):
    x_train, _ = digits
    with pytest.raises(TypeError, match="VAE"):
        controls.degenerate_controls(object(), x_train)
    model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), 2, hidden=(8,)), vh.build_mlp_decoder(2, (8, 8, 1), hidden=(8,)))
    with pytest.raises(ValueError, match="unknown control"):
        controls.degenerate_controls(model, x_train, kinds=("identity",))
