# %% [markdown]
# # LeNet-5 (1998) and AlexNet (2012), built as their papers describe them
#
# Neither network is trained here. Keras builds each one so that it can count,
# layer by layer, the output shapes, the parameters and the multiply-accumulate
# operations (MACs) of one forward pass; the LeNet-5 and AlexNet lessons show
# these tables. Two figures are saved in `assets/figures/`:
#
# - `lenet5_c3_table.png`: which S2 maps each of LeNet-5's 16 C3 maps reads
#   (Table I of LeCun et al., 1998);
# - `alexnet_budget.png`: each AlexNet layer's share of the parameters and of
#   the computation.
#
# ```
# python examples/architectures.py          # print the tables, write the figures
# python examples/architectures.py --help
# ```
#
# Sources: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
# learning applied to document recognition", Proc. IEEE 86(11), 1998, §II.B;
# A. Krizhevsky, I. Sutskever and G. E. Hinton, "ImageNet classification with
# deep convolutional neural networks", NIPS 2012, §3.

# %%
"""Build LeNet-5 (1998) and AlexNet (2012) in Keras, count their parameters and MACs, draw two figures."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only; no window needed
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from common import FIGURES, ArgumentParser, import_keras, save_figure

keras = import_keras()  # `import keras`, minus TensorFlow's start-up chatter on stderr
layers, ops = keras.layers, keras.ops

# %% [markdown]
# ## LeNet-5's own building blocks
#
# Three pieces of the 1998 network have no ready-made Keras layer:
#
# - the squashing function $f(a) = A\tanh(Sa)$ with $A = 1.7159$, $S = 2/3$;
# - the subsampling layers S2 and S4: each unit adds up a 2×2 window, multiplies
#   the sum by a trainable coefficient, adds a trainable bias (one pair per
#   map) and squashes the result;
# - C3, whose 16 maps each read only some of S2's six maps (Table I), and the
#   output layer of Euclidean radial basis function (RBF) units.

# %%
A, S = 1.7159, 2 / 3

# Table I of the 1998 paper: the S2 maps (0-5) that each C3 map (0-15) reads.
C3_TABLE: tuple[tuple[int, ...], ...] = (
    *(tuple((i + j) % 6 for j in range(3)) for i in range(6)),  # maps 0-5: three neighbouring maps
    *(tuple((i + j) % 6 for j in range(4)) for i in range(6)),  # maps 6-11: four neighbouring maps
    (0, 1, 3, 4),
    (1, 2, 4, 5),
    (0, 2, 3, 5),  # maps 12-14: four maps, not all neighbours
    (0, 1, 2, 3, 4, 5),  # map 15: all six
)


def scaled_tanh(x):  # noqa: ANN001, ANN201 - a Keras tensor in, one out
    """LeNet-5's squashing function A·tanh(S·x)."""
    return A * ops.tanh(S * x)


class Subsampling(layers.Layer):
    """LeNet-5's S2/S4: squash(coefficient · sum of each 2x2 window + bias), one coefficient and bias per map."""

    def build(self, input_shape: tuple) -> None:
        maps = input_shape[-1]
        self.coefficient = self.add_weight(shape=(maps,), initializer="ones", name="coefficient")
        self.bias = self.add_weight(shape=(maps,), initializer="zeros", name="bias")

    def call(self, x):  # noqa: ANN001, ANN201
        window_sum = 4 * ops.average_pool(x, pool_size=2, strides=2, padding="valid")
        return scaled_tanh(self.coefficient * window_sum + self.bias)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], input_shape[1] // 2, input_shape[2] // 2, input_shape[3])


class PartialConv2D(layers.Layer):
    """A 5x5 convolution in which output map i reads only the input maps table[i] (LeNet-5's C3)."""

    def __init__(self, table: tuple[tuple[int, ...], ...], kernel_size: int = 5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.table, self.kernel_size = table, kernel_size

    def build(self, input_shape: tuple) -> None:
        k = self.kernel_size
        self.kernels = [
            self.add_weight(shape=(k, k, len(maps), 1), initializer="glorot_uniform", name=f"kernel_{i}")
            for i, maps in enumerate(self.table)
        ]
        self.bias = self.add_weight(shape=(len(self.table),), initializer="zeros", name="bias")

    def call(self, x):  # noqa: ANN001, ANN201
        outputs = [
            ops.conv(ops.take(x, list(maps), axis=-1), kernel)
            for maps, kernel in zip(self.table, self.kernels, strict=True)
        ]
        return scaled_tanh(ops.concatenate(outputs, axis=-1) + self.bias)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        k = self.kernel_size - 1
        return (input_shape[0], input_shape[1] - k, input_shape[2] - k, len(self.table))


class EuclideanRBF(layers.Layer):
    """Output units y_i = sum_j (x_j - w_ij)^2, with fixed +1/-1 weights (a 7x12 bitmap per class in the paper)."""

    def __init__(self, units: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape: tuple) -> None:
        # The paper draws a stylised 7x12 bitmap of each digit; any fixed +1/-1 code has the same shape and count.
        code = np.sign(np.random.default_rng(0).standard_normal((input_shape[-1], self.units)))
        self.centres = self.add_weight(
            shape=code.shape, initializer=keras.initializers.Constant(code), trainable=False, name="centres"
        )

    def call(self, x):  # noqa: ANN001, ANN201
        return ops.sum(ops.square(ops.expand_dims(x, -1) - self.centres), axis=-2)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.units)


# %% [markdown]
# ## LeNet-5 as published
#
# A 32×32 input (the 28×28 digit centred in a larger field), and every layer of
# §II.B. C5 is written as a convolution, as in the paper: on 5×5 maps it has the
# same parameters as a dense layer, but it would slide over a larger input.


# %%
def build_lenet5_1998() -> keras.Model:
    """LeNet-5 as in LeCun et al. (1998), §II.B."""
    return keras.Sequential(
        [
            keras.Input((32, 32, 1)),
            layers.Conv2D(6, 5, activation=scaled_tanh, name="C1"),
            Subsampling(name="S2"),
            PartialConv2D(C3_TABLE, name="C3"),
            Subsampling(name="S4"),
            layers.Conv2D(120, 5, activation=scaled_tanh, name="C5"),
            layers.Flatten(name="flatten"),
            layers.Dense(84, activation=scaled_tanh, name="F6"),
            EuclideanRBF(10, name="output"),
        ],
        name="lenet5_1998",
    )


# %% [markdown]
# ## AlexNet as published
#
# Krizhevsky et al. split the network over two GPUs: the kernels of the second,
# fourth and fifth convolutional layers read only the maps on their own GPU.
# `groups=2` expresses exactly that. Local response normalisation (LRN, §3.3)
# follows the first two convolutions, with $k = 2$, $n = 5$,
# $\alpha = 10^{-4}$, $\beta = 0.75$; pooling is 3×3 with stride 2, so the
# windows overlap (§3.4). With `groups=1` the same layers fit on one device.


# %%
class LocalResponseNorm(layers.Layer):
    """b = a / (k + alpha * sum of a^2 over n neighbouring maps)^beta (AlexNet, section 3.3)."""

    def __init__(self, n: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75, **kwargs) -> None:
        super().__init__(**kwargs)
        self.n, self.k, self.alpha, self.beta = n, k, alpha, beta

    def call(self, x):  # noqa: ANN001, ANN201
        maps, half = x.shape[-1], self.n // 2
        squares = ops.pad(ops.square(x), [(0, 0), (0, 0), (0, 0), (half, half)])
        window = sum(squares[..., i : i + maps] for i in range(self.n))
        return x / ops.power(self.k + self.alpha * window, self.beta)


def build_alexnet(groups: int = 2, size: int = 227) -> keras.Model:
    """AlexNet as in Krizhevsky et al. (2012); groups=2 splits layers 2, 4 and 5 as the two GPUs did."""
    conv = dict(padding="same", activation="relu")
    return keras.Sequential(
        [
            keras.Input((size, size, 3)),
            layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1"),
            LocalResponseNorm(name="lrn1"),
            layers.MaxPooling2D(3, strides=2, name="pool1"),
            layers.Conv2D(256, 5, groups=groups, **conv, name="conv2"),
            LocalResponseNorm(name="lrn2"),
            layers.MaxPooling2D(3, strides=2, name="pool2"),
            layers.Conv2D(384, 3, **conv, name="conv3"),
            layers.Conv2D(384, 3, groups=groups, **conv, name="conv4"),
            layers.Conv2D(256, 3, groups=groups, **conv, name="conv5"),
            layers.MaxPooling2D(3, strides=2, name="pool5"),
            layers.Flatten(name="flatten"),
            layers.Dense(4096, activation="relu", name="fc6"),
            layers.Dropout(0.5, name="dropout6"),
            layers.Dense(4096, activation="relu", name="fc7"),
            layers.Dropout(0.5, name="dropout7"),
            layers.Dense(1000, activation="softmax", name="fc8"),
        ],
        name="alexnet" if groups == 2 else "alexnet_one_tower",
    )


# %% [markdown]
# ## Counting
#
# A layer's MACs are the multiply-accumulates of one forward pass for one
# image: for a convolution, one per kernel weight per output position; for a
# dense layer, one per weight. The 1998 paper counts *connections* instead,
# which also include the bias and the subsampling layers' additions.


# %%
@dataclass(frozen=True)
class LayerCount:
    """One layer's output shape, trainable parameters, MACs and (LeNet-5's term) connections."""

    name: str
    kind: str
    shape: tuple[int, ...]
    params: int
    macs: int
    connections: int


def count_layer(layer: keras.Layer) -> LayerCount:
    """Shapes, parameters, MACs and connections of one built layer (batch dimension dropped)."""
    shape = tuple(int(d) for d in layer.output.shape[1:])
    positions = int(np.prod(shape[:-1])) if len(shape) == 3 else 1
    params = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    connections = positions * params
    macs = 0
    if isinstance(layer, layers.Conv2D):  # the kernel is k x k x (inputs / groups) x outputs
        macs = positions * int(np.prod(layer.kernel.shape))
    elif isinstance(layer, PartialConv2D):
        macs = positions * sum(int(np.prod(k.shape)) for k in layer.kernels)
    elif isinstance(layer, layers.Dense):
        macs = int(np.prod(layer.kernel.shape))
    elif isinstance(layer, Subsampling):
        connections = positions * shape[-1] * 5  # four inputs and the bias per unit
    elif isinstance(layer, EuclideanRBF):
        macs = connections = int(np.prod(layer.centres.shape))
    return LayerCount(layer.name, type(layer).__name__, shape, params, macs, connections)


def count_model(model: keras.Model) -> list[LayerCount]:
    """count_layer for every layer of a built model."""
    return [count_layer(layer) for layer in model.layers]


def output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> float:
    """(n + 2p - k) / s + 1: an integer only when the windows tile the padded input exactly."""
    return (size + 2 * padding - kernel) / stride + 1


# %% [markdown]
# ## The figures


# %%
def plot_c3_table() -> Figure:
    """Table I of the 1998 paper as a grid: rows are S2 maps, columns C3 maps."""
    grid = np.zeros((6, len(C3_TABLE)))
    for column, maps in enumerate(C3_TABLE):
        grid[list(maps), column] = 1
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=1.4)
    ax.set_xticks(range(len(C3_TABLE)))
    ax.set_yticks(range(6))
    ax.set_xlabel("C3 feature map")
    ax.set_ylabel("S2 feature map")
    ax.set_xticks(np.arange(-0.5, len(C3_TABLE)), minor=True)
    ax.set_yticks(np.arange(-0.5, 6), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    for x in (5.5, 11.5, 14.5):
        ax.axvline(x, color="C1", linewidth=2)
    fig.tight_layout()
    return fig


def plot_budget(counts: list[LayerCount]) -> Figure:
    """Each weight layer's share of AlexNet's parameters and of its MACs."""
    weighted = [c for c in counts if c.params]
    names = [c.name for c in weighted]
    params = np.array([c.params for c in weighted], float)
    macs = np.array([c.macs for c in weighted], float)
    y = np.arange(len(weighted))
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    ax.barh(y - 0.2, 100 * params / params.sum(), height=0.4, label="parameters")
    ax.barh(y + 0.2, 100 * macs / macs.sum(), height=0.4, label="multiply-accumulates")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("share of the whole network (%)")
    ax.legend(loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


# %% [markdown]
# ## Run it


# %%
def print_counts(model: keras.Model) -> None:
    """A per-layer table on stdout."""
    counts = count_model(model)
    fixed = model.count_params() - sum(c.params for c in counts)
    print(f"{model.name}: {sum(c.params for c in counts):,} trainable parameters, {fixed:,} fixed")
    for c in counts:
        shape = "x".join(map(str, c.shape))
        print(f"  {c.name:9s} {c.kind:18s} {shape:>12s} {c.params:>12,} params {c.macs:>14,} MACs")


def main(argv: list[str] | None = None) -> dict[str, str]:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder for the figures (default: %(default)s)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    lenet, alexnet = build_lenet5_1998(), build_alexnet()
    print_counts(lenet)
    print_counts(alexnet)
    print(f"AlexNet's first layer on 224x224: {output_size(224, 11, 4):g}; on 227x227: {output_size(227, 11, 4):g}")
    paths = {
        "c3_table": save_figure(plot_c3_table(), args.out / "lenet5_c3_table.png", dpi=110, bbox_inches="tight"),
        "budget": save_figure(plot_budget(count_model(alexnet)), args.out / "alexnet_budget.png", dpi=110),
    }
    print(f"wrote {', '.join(map(str, paths.values()))} in {time.perf_counter() - start:.1f} s")
    return {k: str(v) for k, v in paths.items()}


# %%
if __name__ == "__main__":
    main([] if "ipykernel" in sys.modules else None)
