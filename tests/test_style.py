import numpy as np
import pytest

from vae_helpers.images import (
    STYLE_KEYS,
    attribute_direction,
    digit_width,
    ink_mass,
    slant,
    stroke_thickness,
    style_statistics,
    texture_features,
    texture_patches,
)


def _bar(thickness=2, shear=0.0, size=28, half_width=0):
    """A vertical stroke (rows 4..23) of the given thickness, sheared so the top moves right."""
    img = np.zeros((size, size), np.float32)
    for r in range(4, 24):
        c0 = int(round(13 + shear * (13.5 - r)))
        img[r, c0 - half_width : c0 + thickness + half_width] = 1.0
    return img


def test_slant_sign_and_order():
    imgs = np.stack([_bar(shear=0.0), _bar(shear=0.3), _bar(shear=-0.3)])
    s = slant(imgs)
    assert abs(s[0]) < 1e-6
    assert s[1] > 0.2 and s[2] < -0.2
    assert s[1] == pytest.approx(0.3, abs=0.05)


def test_thickness_and_ink_grow_with_stroke_width():
    imgs = np.stack([_bar(thickness=1), _bar(thickness=3), _bar(thickness=5)])[..., None]
    t = stroke_thickness(imgs)
    assert t[0] < t[1] < t[2]
    assert t[0] == pytest.approx(1.0, abs=0.2)
    assert np.all(np.diff(ink_mass(imgs)) > 0)


def test_width_ignores_slant_but_sees_wide_strokes():
    upright, slanted, wide = _bar(thickness=2), _bar(thickness=2, shear=0.4), _bar(thickness=2, half_width=4)
    w = digit_width(np.stack([upright, slanted, wide]))
    assert w[1] == pytest.approx(w[0], abs=0.5)
    assert w[2] > w[0] + 3


def test_style_statistics_keys_and_empty_image():
    imgs = np.stack([_bar(), np.zeros((28, 28), np.float32)])
    stats = style_statistics(imgs)
    assert tuple(stats) == STYLE_KEYS
    assert all(v.shape == (2,) and np.all(np.isfinite(v)) for v in stats.values())
    assert stats["thickness"][1] == 0 and stats["slant"][1] == 0 and stats["ink"][1] == 0


def test_bad_images_raise():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        slant(np.full((2, 8, 8), 2.0))
    with pytest.raises(ValueError, match="grey"):
        slant(np.zeros((2, 8, 8, 3)))
    with pytest.raises(ValueError, match="shape"):
        slant(np.zeros((8, 8)))
    with pytest.raises(TypeError):
        slant("not an image")
    with pytest.raises(ValueError, match="threshold"):
        stroke_thickness(np.zeros((1, 8, 8)), threshold=1.5)


def test_attribute_direction_recovers_a_planted_axis():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((400, 5))
    labels = rng.integers(0, 4, 400)
    z[:, 1] += 3.0 * labels  # class lives on axis 1
    values = z[:, 3] + 0.1 * rng.standard_normal(400)  # the attribute lives on axis 3
    d_within = attribute_direction(z, values, groups=labels)
    assert np.argmax(np.abs(d_within)) == 3 and d_within[3] > 0
    # a class-confounded attribute leaks the class axis unless groups are given
    confounded = values + labels
    assert abs(attribute_direction(z, confounded)[1]) > abs(attribute_direction(z, confounded, groups=labels)[1])


def test_attribute_direction_with_tied_quantiles():
    # a 0/1 attribute present in 10% of the images: both quantiles are 0, yet the attribute varies
    rng = np.random.default_rng(0)
    z = rng.standard_normal((200, 4))
    present = np.arange(200) % 10 == 0
    z[present, 2] += 3.0
    d = attribute_direction(z, present.astype(float))
    assert np.all(np.isfinite(d)) and np.argmax(np.abs(d)) == 2 and d[2] > 2.0
    # and mirrored: absent in 10% only (both quantiles are 1)
    d = attribute_direction(z, (~present).astype(float))
    assert np.argmax(np.abs(d)) == 2 and d[2] < -2.0


def test_attribute_direction_errors():
    z = np.zeros((10, 3))
    with pytest.raises(ValueError, match="values"):
        attribute_direction(z, np.zeros(9))
    with pytest.raises(ValueError, match="quantile"):
        attribute_direction(z, np.arange(10.0), quantile=0.7)
    with pytest.raises(ValueError, match="no group"):
        attribute_direction(z, np.zeros(10))
    with pytest.raises(ValueError, match="groups"):
        attribute_direction(z, np.arange(10.0), groups=np.zeros(3))


def test_texture_patches_and_features():
    x, y = texture_patches(("brick", "grass"), patch_size=16, n_per_texture=6, downscale=4, seed=1)
    assert x.shape == (12, 16, 16, 1) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() <= 1
    assert list(np.bincount(y)) == [6, 6]
    again, _ = texture_patches(("brick", "grass"), patch_size=16, n_per_texture=6, downscale=4, seed=1)
    np.testing.assert_array_equal(x, again)
    f = texture_features(x)
    assert f.shape == (12, 8) and np.all(np.isfinite(f))
    np.testing.assert_allclose(f[:, 5:].sum(axis=1), 1.0, atol=1e-6)


def test_texture_patches_rows_band():
    import skimage.data
    from skimage.transform import downscale_local_mean

    img = downscale_local_mean(skimage.data.brick() / 255.0, (4, 4))  # 128 x 128
    top, _ = texture_patches(("brick",), patch_size=16, n_per_texture=20, downscale=4, seed=0, rows=(0.0, 0.5))
    bottom, _ = texture_patches(("brick",), patch_size=16, n_per_texture=20, downscale=4, seed=0, rows=(0.5, 1.0))
    windows = np.lib.stride_tricks.sliding_window_view(img, (16, 16))  # (113, 113, 16, 16)

    def first_rows(patches):
        """Row where each patch starts in the shrunk image (the patches are exact crops of it)."""
        out = []
        for p in patches[..., 0]:
            hit = np.argwhere(np.all(np.isclose(windows, p, atol=1e-6), axis=(2, 3)))
            assert len(hit), "patch is not a crop of the image"
            out.append(hit[0, 0])
        return np.array(out)

    assert first_rows(top).max() + 16 <= 64  # every pixel in the top half
    assert first_rows(bottom).min() >= 64  # every pixel in the bottom half
    with pytest.raises(ValueError, match="rows"):
        texture_patches(("brick",), n_per_texture=1, rows=(0.5, 0.5))
    with pytest.raises(TypeError, match="rows"):
        texture_patches(("brick",), n_per_texture=1, rows=0.5)
    with pytest.raises(ValueError, match="smaller"):
        texture_patches(("brick",), patch_size=32, downscale=4, n_per_texture=1, rows=(0.0, 0.1))


def test_texture_errors():
    with pytest.raises(ValueError, match="no image"):
        texture_patches(("not_a_texture",), n_per_texture=1)
    with pytest.raises(TypeError):
        texture_patches("brick")
    with pytest.raises(ValueError, match="smaller"):
        texture_patches(("brick",), patch_size=300, downscale=2, n_per_texture=1)
    with pytest.raises(ValueError, match="8x8"):
        texture_features(np.zeros((2, 4, 4)))
