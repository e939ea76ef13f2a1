import math

import keras
import numpy as np
import pytest

import vae_helpers as vh


def test_kl_per_dimension_sums_to_evaluate_elbo_kl(tiny_vae, images):
    per_dim = vh.evaluation.kl_per_dimension(tiny_vae, images, batch_size=10)
    assert per_dim.shape == (3,)
    assert np.all(per_dim >= 0)
    assert per_dim.sum() == pytest.approx(vh.evaluate_elbo(tiny_vae, images)["kl"], rel=1e-4)


def test_collapse_report_flags_a_dimension_equal_to_the_prior(tiny_vae, images):
    # make dimension 0 of q(z|x) exactly the prior: zero mean and zero log-variance for every input
    for head in ("z_mean", "z_log_var"):
        layer = tiny_vae.encoder.get_layer(head)
        w, b = layer.get_weights()
        w[:, 0] = 0.0
        b[0] = 0.0
        layer.set_weights([w, b])
    report = vh.evaluation.collapse_report(tiny_vae, images)
    assert 0 in report["collapsed_dims"]
    assert report["kl_per_dim"][0] == pytest.approx(0.0, abs=1e-6)
    assert report["kl"] == pytest.approx(report["kl_per_dim"].sum())
    assert report["active_units"] <= 2


def test_collapse_report_bad_threshold(tiny_vae, images):
    with pytest.raises(ValueError):
        vh.evaluation.collapse_report(tiny_vae, images, kl_threshold=-1.0)


def test_kl_per_dimension_rejects_non_vae(images):
    ae = vh.Autoencoder(
        vh.build_mlp_encoder((8, 8, 1), 2, hidden=(8,), variational=False),
        vh.build_mlp_decoder(2, (8, 8, 1), hidden=(8,)),
    )
    with pytest.raises(TypeError, match="VAE"):
        vh.evaluation.kl_per_dimension(ae, images)


def test_aggregate_density_single_component_is_a_gaussian():
    mu, log_var = np.array([[1.0, -2.0]]), np.log(np.array([[0.5, 2.0]]))
    z = np.array([[0.0, 0.0], [1.0, -2.0]])
    expected = [
        sum(-0.5 * (math.log(2 * math.pi * v) + (zj - m) ** 2 / v) for zj, m, v in zip(row, mu[0], np.exp(log_var[0])))
        for row in z
    ]
    got = vh.evaluation.aggregate_posterior_log_density(z, mu, log_var)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_aggregate_density_is_the_mixture_average_and_batches_agree():
    rng = np.random.default_rng(0)
    mu, log_var = rng.normal(size=(5, 3)), rng.normal(scale=0.3, size=(5, 3))
    z = rng.normal(size=(7, 3))
    comps = np.stack(
        [vh.evaluation.aggregate_posterior_log_density(z, mu[i : i + 1], log_var[i : i + 1]) for i in range(5)]
    )
    expected = np.log(np.exp(comps).mean(axis=0))
    np.testing.assert_allclose(
        vh.evaluation.aggregate_posterior_log_density(z, mu, log_var, batch_size=2), expected, rtol=1e-6
    )
    # far from every component the density is lower than at a component's centre
    far = vh.evaluation.aggregate_posterior_log_density(mu[:1] + 50.0, mu, log_var)
    assert far[0] < vh.evaluation.aggregate_posterior_log_density(mu[:1], mu, log_var)[0]


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_aggregate_density_near_delta_posteriors_are_not_nan():
    # log-variance -800: exp(800) overflows, and 0 * inf at the posterior mean gave NaN
    mu, log_var = np.zeros((3, 2)), np.full((3, 2), -800.0)
    at_mean = vh.evaluation.aggregate_posterior_log_density(np.zeros((2, 2)), mu, log_var)
    assert np.all(np.isfinite(at_mean)) and np.all(at_mean > 690.0)  # -0.5 (2 log 2pi - 1400) = 698.2
    away = vh.evaluation.aggregate_posterior_log_density(np.ones((1, 2)), mu, log_var)
    assert not np.isnan(away).any() and away[0] < at_mean[0]


def test_aggregate_density_bad_shapes():
    mu = np.zeros((4, 2))
    with pytest.raises(ValueError, match="dimensions"):
        vh.evaluation.aggregate_posterior_log_density(np.zeros((3, 3)), mu, mu)
    with pytest.raises(ValueError, match="same shape"):
        vh.evaluation.aggregate_posterior_log_density(np.zeros((3, 2)), mu, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="2-D"):
        vh.evaluation.aggregate_posterior_log_density(np.zeros((3, 2, 1)), mu, mu)
    with pytest.raises(ValueError, match="NaN"):
        vh.evaluation.aggregate_posterior_log_density(np.full((3, 2), np.nan), mu, mu)


def test_first_nonfinite_epoch():
    assert vh.core.first_nonfinite_epoch({"loss": [3.0, 2.0, 1.0]}) is None
    assert vh.core.first_nonfinite_epoch({"loss": [3.0, float("nan"), 1.0]}) == 1
    assert vh.core.first_nonfinite_epoch({"val_loss": [float("inf")]}, key="val_loss") == 0
    with pytest.raises(KeyError):
        vh.core.first_nonfinite_epoch({"loss": [1.0]}, key="kl_loss")
    with pytest.raises(TypeError):
        vh.core.first_nonfinite_epoch([1.0, 2.0])


def test_terminate_on_nan_history_is_detected(images):
    vh.set_seed(0)
    vae = vh.VAE(
        vh.build_mlp_encoder((8, 8, 1), 2, hidden=(8,)),
        vh.build_mlp_decoder(2, (8, 8, 1), hidden=(8,)),
        logvar_range=None,
    )
    # a huge z_log_var bias makes exp(log_var) overflow on the first batch
    layer = vae.encoder.get_layer("z_log_var")
    w, b = layer.get_weights()
    layer.set_weights([w, b + 1000.0])
    run = vh.train(vae, images, epochs=3, batch_size=32, print_every=None, callbacks=[keras.callbacks.TerminateOnNaN()])
    assert vh.core.first_nonfinite_epoch(run.history) == 0


def test_time_budget_stops_training(tiny_vae, images):
    budget = vh.core.TimeBudget(1e-9)
    run = vh.train(tiny_vae, images, epochs=50, batch_size=16, print_every=None, callbacks=[budget])
    assert budget.stopped_early and budget.steps_run == 1
    assert len(run.history["loss"]) == 1
    assert budget.examples_seen(16) == 16
    long = vh.core.TimeBudget(1e6)
    vh.train(tiny_vae, images, epochs=2, batch_size=16, print_every=None, callbacks=[long])
    assert not long.stopped_early and long.steps_run == 8 and long.epochs_completed == 2


def test_time_budget_bad_input():
    with pytest.raises(ValueError):
        vh.core.TimeBudget(0)
    with pytest.raises(TypeError):
        vh.core.TimeBudget("10")
    with pytest.raises(TypeError):
        vh.core.TimeBudget(1.0).examples_seen(2.5)
