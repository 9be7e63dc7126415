"""The 1998 LeNet-5 and the 2012 AlexNet, as built by examples/architectures.py, match their papers."""

from __future__ import annotations

import numpy as np
import pytest

import architectures as arch

keras = arch.keras

# LeCun et al. (1998), section II.B: (trainable parameters, connections) per layer.
LENET5_PAPER = {
    "C1": (156, 122_304),
    "S2": (12, 5_880),
    "C3": (1_516, 151_600),
    "S4": (32, 2_000),
    "C5": (48_120, 48_120),
    "F6": (10_164, 10_164),
}


@pytest.fixture(scope="module")
def lenet() -> keras.Model:
    return arch.build_lenet5_1998()


def test_lenet5_counts_match_the_paper(lenet: keras.Model) -> None:
    counts = {c.name: c for c in arch.count_model(lenet)}
    assert {name: (counts[name].params, counts[name].connections) for name in LENET5_PAPER} == LENET5_PAPER
    # "340,908 connections, but only 60,000 trainable free parameters"
    assert sum(c.params for c in counts.values()) == 60_000
    assert sum(c.connections for c in counts.values()) == 340_908
    assert [c.shape for c in counts.values()][:5] == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (1, 1, 120)]
    assert counts["output"].shape == (10,)


# Table I of LeCun et al. (1998), transcribed as printed: one row per S2 map (0-5), one column per C3 map (0-15).
TABLE_I_ROWS = (
    "X...XXX..XXXX.XX",
    "XX...XXX..XXXX.X",
    "XXX...XXX..X.XXX",
    ".XXX..XXXX..X.XX",
    "..XXX..XXXX.XX.X",
    "...XXX..XXXX.XXX",
)


def test_c3_table_is_the_papers_table_i() -> None:
    """Every one of the 16 columns, including maps 12-14, against the paper's Table I."""
    from_paper = [tuple(row for row in range(6) if TABLE_I_ROWS[row][col] == "X") for col in range(16)]
    assert [tuple(sorted(maps)) for maps in arch.C3_TABLE] == from_paper
    # The paper's rationale (§II.B): the first six read three contiguous maps, the next six four contiguous ones,
    # the next three four discontinuous ones, and the last one all six: 60 connections between S2 and C3 maps.
    assert [len(maps) for maps in from_paper] == [3] * 6 + [4] * 9 + [6]
    assert sum(map(len, from_paper)) == 60


def test_c3_maps_read_only_their_inputs() -> None:
    layer = arch.PartialConv2D(arch.C3_TABLE)
    x = np.random.default_rng(0).standard_normal((1, 14, 14, 6)).astype("float32")
    before = keras.ops.convert_to_numpy(layer(x))
    x[..., 5] += 1.0  # change S2 map 5 only
    after = keras.ops.convert_to_numpy(layer(x))
    changed = [not np.allclose(before[..., i], after[..., i]) for i in range(16)]
    assert changed == [5 in maps for maps in arch.C3_TABLE]


def test_subsampling_is_coefficient_times_window_sum_plus_bias() -> None:
    layer = arch.Subsampling()
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1) / 16
    layer.build(x.shape)
    layer.coefficient.assign([0.5])
    layer.bias.assign([-0.25])
    sums = x[0, :, :, 0].reshape(2, 2, 2, 2).sum(axis=(1, 3))
    expected = 1.7159 * np.tanh(2 / 3 * (0.5 * sums - 0.25))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x))[0, :, :, 0], expected, rtol=1e-5)


def test_rbf_output_is_squared_distance_to_fixed_codes() -> None:
    layer = arch.EuclideanRBF(10)
    x = np.random.default_rng(1).standard_normal((2, 84)).astype("float32")
    y = keras.ops.convert_to_numpy(layer(x))
    centres = keras.ops.convert_to_numpy(layer.centres)
    assert set(np.unique(centres)) == {-1.0, 1.0} and not layer.trainable_weights
    np.testing.assert_allclose(y, ((x[:, :, None] - centres[None]) ** 2).sum(axis=1), rtol=1e-5)


def test_alexnet_counts() -> None:
    counts = {c.name: c for c in arch.count_model(arch.build_alexnet())}
    assert counts["conv1"].shape == (55, 55, 96) and counts["pool5"].shape == (6, 6, 256)
    params = sum(c.params for c in counts.values())
    assert params == 60_965_224
    assert 60e6 <= params < 61e6  # the abstract: "60 million parameters"
    one_tower = sum(c.params for c in arch.count_model(arch.build_alexnet(groups=1)))
    assert one_tower - params == 256 * 5 * 5 * 48 + 384 * 3 * 3 * 192 + 256 * 3 * 3 * 192  # what groups=2 halves


def test_the_224_puzzle() -> None:
    assert arch.output_size(224, 11, 4) == 54.25
    assert arch.output_size(227, 11, 4) == 55
    assert int(arch.output_size(224, 11, 4, padding=2)) == 55  # torchvision: padding 2, rounded down


def test_local_response_norm_matches_tensorflow() -> None:
    import tensorflow as tf

    x = np.random.default_rng(2).standard_normal((2, 5, 5, 12)).astype("float32") * 10
    ours = keras.ops.convert_to_numpy(arch.LocalResponseNorm()(x))
    theirs = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_resnet50_cost_agrees_with_its_paper() -> None:
    model = keras.applications.ResNet50(weights=None)
    macs = sum(c.macs for c in arch.count_model(model))
    assert abs(macs / 3.8e9 - 1) < 0.03  # He et al. (2016), Table 1: 3.8 x 10^9 multiply-adds
