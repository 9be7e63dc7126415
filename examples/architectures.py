# %% [markdown]
# # LeNet-5 (1998) and AlexNet (2012), built as their papers describe them
#
# Build LeNet-5 and AlexNet in Keras as published, and count each layer's shape, parameters and multiply-accumulates.
#
# Neither network is trained here. Keras builds each one so that it can count,
# layer by layer, the output shapes, the parameters and the multiply-accumulate
# operations (MACs) of one forward pass; the LeNet-5 and AlexNet lessons show
# these tables. VGG-16 and ResNet-50, built by `keras.applications` without
# their weights, join them in a final comparison. Run it with
# `python architectures.py --help`; by default it writes into `outputs/`:
#
# - `lenet5_c3_table.png`: which S2 maps each of LeNet-5's 16 C3 maps reads
#   (Table I of LeCun et al., 1998);
# - `alexnet_budget.png`: each AlexNet layer's share of the parameters and of
#   the computation;
# - `architectures.json`: every count printed below, layer by layer, and the
#   results of the checks, for the lessons' tables and the course's tests.
#
# Sources: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
# learning applied to document recognition", Proc. IEEE 86(11), 1998, §II.B;
# A. Krizhevsky, I. Sutskever and G. E. Hinton, "ImageNet classification with
# deep convolutional neural networks", NIPS 2012, §3.

# %%
"""Build LeNet-5 (1998) and AlexNet (2012) in Keras, count them layer by layer, save two figures and the counts."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # write files; a notebook shows the saved PNG
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

# %% tags=["fold"]
# Helpers every example carries, so that it runs alone wherever it is saved.
IN_NOTEBOOK = "ipykernel" in sys.modules


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2; in a notebook it reads $EXAMPLE_ARGS."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    def parse_example_args(self) -> argparse.Namespace:
        """The command line's arguments, or in a notebook those in the EXAMPLE_ARGS variable."""
        return self.parse_args(shlex.split(os.environ.get("EXAMPLE_ARGS", "")) if IN_NOTEBOOK else None)


def save_figure(fig: Figure, path: Path, **kwargs: Any) -> None:
    """Write `fig` to `path` whole (never half a PNG), close it, and show the file in a notebook."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    fig.savefig(partial, format=path.suffix.lstrip("."), **kwargs)
    plt.close(fig)
    os.replace(partial, path)
    if IN_NOTEBOOK:
        from IPython.display import Image, display

        display(Image(filename=path))
    print(f"wrote {path}")


def save_json(data: object, path: Path) -> None:
    """Write `data` to `path` as indented JSON, whole (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    print(f"wrote {path}")


def relative_error(ours: np.ndarray, reference: np.ndarray) -> float:
    """The largest difference between two arrays, relative to the largest value of `reference`."""
    return float(np.abs(ours - reference).max() / np.abs(reference).max())


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Send what C and C++ code write to stderr (file descriptor 2) to /dev/null while the block runs.

    TensorFlow 2.21 prints start-up notices (CUDA absent, oneDNN on) there as it loads, whatever
    TF_CPP_MIN_LOG_LEVEL says; import it inside this block. Python's own errors still reach the terminal.
    """
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


# %% [markdown]
# ## Settings
#
# `--out` names the folder for the figures and the record; it is created if
# needed. `--smoke` leaves out VGG-16 and ResNet-50, the two largest networks.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument(
    "--out", type=Path, default=Path("outputs"), help="folder for the figures and the record (default: %(default)s)"
)
parser.add_argument("--smoke", action="store_true", help="a quick check of the whole script: no VGG-16, no ResNet-50")
args = parser.parse_example_args()
if args.out.exists() and not args.out.is_dir():
    parser.error(f"--out {args.out} is a file, not a folder")

# %% [markdown]
# Keras is imported only now, so that `--help` and a mistyped argument answer at once.

# %%
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ log lines from TensorFlow (Python errors still show)
with stderr_silenced():  # TensorFlow 2.21 prints start-up notices before that setting takes effect
    import keras
    import tensorflow as tf  # only to check the response normalisation below against TensorFlow's own
from keras import layers, ops

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


print("Table I as printed in the paper (X: the C3 map of that column reads the S2 map of that row):")
for row in range(6):
    print(f"  S2 map {row}  " + "".join("X" if row in maps else "." for maps in C3_TABLE))

# %% [markdown]
# ### Do the three layers do what the paper says?
#
# Each check compares a layer with the paper's description, worked out again
# in NumPy. For C3, change one S2 map at a time and see which C3 maps change:
# the pattern must be Table I again. For a subsampling unit, compare with
# squash(coefficient · window sum + bias); for the RBF units, with the squared
# distance to each class's fixed code.

# %%
rng = np.random.default_rng(0)

c3 = PartialConv2D(C3_TABLE)
x = rng.standard_normal((1, 14, 14, 6)).astype("float32")
before = ops.convert_to_numpy(c3(x))
changes = np.zeros((6, len(C3_TABLE)), bool)  # changes[m, c]: changing S2 map m changes C3 map c
for m in range(6):
    nudged = x.copy()
    nudged[..., m] += 1.0
    after = ops.convert_to_numpy(c3(nudged))
    changes[m] = [not np.allclose(before[..., c], after[..., c]) for c in range(len(C3_TABLE))]
c3_measured = [[m for m in range(6) if changes[m, c]] for c in range(len(C3_TABLE))]
print("C3 maps that change when one S2 map changes:")
for m in range(6):
    print(f"  S2 map {m}  " + "".join("X" if hit else "." for hit in changes[m]))
print("the same as Table I:", c3_measured == [sorted(maps) for maps in C3_TABLE])

s2 = Subsampling()
x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1) / 16
s2.build(x.shape)
s2.coefficient.assign([0.5])
s2.bias.assign([-0.25])
window_sums = x[0, :, :, 0].reshape(2, 2, 2, 2).sum(axis=(1, 3))
subsampling_error = relative_error(ops.convert_to_numpy(s2(x))[0, :, :, 0], A * np.tanh(S * (0.5 * window_sums - 0.25)))
print(f"subsampling vs A·tanh(S·(0.5·window sum − 0.25)): largest relative difference {subsampling_error:.1e}")

rbf = EuclideanRBF(10)
x = rng.standard_normal((2, 84)).astype("float32")
y = ops.convert_to_numpy(rbf(x))
centres = ops.convert_to_numpy(rbf.centres)
rbf_error = relative_error(y, ((x[:, :, None] - centres[None]) ** 2).sum(axis=1))
print(f"RBF vs squared distances: largest relative difference {rbf_error:.1e}; ", end="")
print(f"weights {sorted(set(centres.ravel().tolist()))}, {len(rbf.trainable_weights)} trainable")
checks: dict[str, Any] = {
    "squashing": {"A": A, "S": S},
    "subsampling_relative_error": subsampling_error,
    "rbf_relative_error": rbf_error,
    "rbf_weight_values": sorted(set(centres.ravel().tolist())),
    "rbf_trainable_weights": len(rbf.trainable_weights),
}

# %% [markdown]
# ## Counting
#
# A layer's MACs are the multiply-accumulates of one forward pass for one
# image: for a convolution, one per kernel weight per output position; for a
# dense layer, one per weight. The 1998 paper counts *connections* instead,
# which also include the bias and the subsampling layers' additions.
# `describe` gathers what the lessons show of one network.


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


def describe(model: keras.Model) -> dict[str, Any]:
    """A network's input, layer counts, totals and per-layer counts, as the record stores them."""
    counts = [count_layer(layer) for layer in model.layers]
    trainable = sum(c.params for c in counts)
    return {
        "input": [int(d) for d in model.inputs[0].shape[1:]],
        "conv_layers": sum(isinstance(layer, layers.Conv2D | PartialConv2D) for layer in model.layers),
        "dense_layers": sum(isinstance(layer, layers.Dense | EuclideanRBF) for layer in model.layers),
        "params": trainable,
        "fixed_params": model.count_params() - trainable,
        "macs": sum(c.macs for c in counts),
        "connections": sum(c.connections for c in counts),
        "layers": [asdict(c) for c in counts],
    }


def print_counts(title: str, network: dict[str, Any], connections: bool = False) -> None:
    """A network's totals and its per-layer table, with the 1998 paper's connections if asked."""
    print(f"{title}: {network['params']:,} trainable parameters, {network['fixed_params']:,} fixed")
    print(f"  {'layer':9} {'kind':17} {'output':>10} {'parameters':>11} {'MACs':>12}", end="")
    print(f" {'connections':>12}" if connections else "")
    total = {**network, "name": "total", "kind": "", "shape": []}  # the network's totals, as a last row
    for c in [*network["layers"], total]:
        shape = "x".join(map(str, c["shape"]))
        print(f"  {c['name']:9} {c['kind']:17} {shape:>10} {c['params']:>11,} {c['macs']:>12,}", end="")
        print(f" {c['connections']:>12,}" if connections else "")


networks: dict[str, dict[str, Any]] = {}

# %% [markdown]
# ## LeNet-5 as published
#
# A 32×32 input (the 28×28 digit centred in a larger field), and every layer of
# §II.B. C5 is written as a convolution, as in the paper: on 5×5 maps it has the
# same parameters as a dense layer, but it would slide over a larger input. The
# paper's own totals are 340,908 connections and 60,000 trainable parameters.


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


networks["lenet1998"] = describe(build_lenet5_1998())
print_counts("LeNet-5 (1998)", networks["lenet1998"], connections=True)

# %% [markdown]
# ### Table I as a figure
#
# Rows are S2's six maps, columns C3's sixteen; orange lines separate the four
# groups of the paper's rationale.


# %% tags=["fold"]
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


# %%
save_figure(plot_c3_table(), args.out / "lenet5_c3_table.png", dpi=110, bbox_inches="tight")

# %% [markdown]
# ## AlexNet as published
#
# Krizhevsky et al. split the network over two GPUs: the kernels of the second,
# fourth and fifth convolutional layers read only the maps on their own GPU.
# `groups=2` expresses exactly that. Local response normalisation (LRN, §3.3)
# follows the first two convolutions, with $k = 2$, $n = 5$,
# $\alpha = 10^{-4}$, $\beta = 0.75$; pooling is 3×3 with stride 2, so the
# windows overlap (§3.4). With `groups=1` the same layers fit on one device.
#
# TensorFlow has the same normalisation built in, as
# `tf.nn.local_response_normalization` (its `depth_radius=2` is $n = 5$); the
# layer below is compared with it.


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


x = rng.standard_normal((2, 5, 5, 12)).astype("float32") * 10  # large enough for the sum of squares to matter
ours = ops.convert_to_numpy(LocalResponseNorm()(x))
theirs = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75).numpy()
checks["lrn_relative_error"] = relative_error(ours, theirs)
print(f"LocalResponseNorm vs TensorFlow's: largest relative difference {checks['lrn_relative_error']:.1e}")


# %%
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


networks["alexnet"] = describe(build_alexnet(groups=2))
print_counts("AlexNet (2012), two GPUs", networks["alexnet"])

# %% [markdown]
# On one device (`groups=1`) every kernel of conv2, conv4 and conv5 reads all
# the maps of the layer below, twice as many as on one GPU.

# %%
networks["alexnet_one_tower"] = describe(build_alexnet(groups=1))
extra = networks["alexnet_one_tower"]["params"] - networks["alexnet"]["params"]
halved = 256 * 5 * 5 * 48 + 384 * 3 * 3 * 192 + 256 * 3 * 3 * 192  # conv2, conv4, conv5: kernels × the maps they lose
print(f"AlexNet on one device: {networks['alexnet_one_tower']['params']:,} trainable parameters, {extra:,} more")
print(f"  the weights the split saves: 256·5·5·48 + 384·3·3·192 + 256·3·3·192 = {halved:,}")


# %% [markdown]
# ### 224 or 227?
#
# The paper says the input is 224×224×3, but an 11×11 kernel with stride 4
# fits a whole number of times only into 227 pixels: $(n + 2p - k)/s + 1$.


# %%
def output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> float:
    """(n + 2p - k) / s + 1: an integer only when the windows tile the padded input exactly."""
    return (size + 2 * padding - kernel) / stride + 1


first_layer = {
    "224": output_size(224, 11, 4),
    "227": output_size(227, 11, 4),
    "224, padding 2": output_size(224, 11, 4, padding=2),  # torchvision's choice, rounded down to 55
}
for case, value in first_layer.items():
    print(f"conv1 on {case:>14}: {value:g} positions per side")

# %% [markdown]
# ### Where the parameters are, and where the work is
#
# Each weight layer's share of the whole network's parameters and of its
# multiply-accumulates.


# %% tags=["fold"]
def plot_budget(network: dict[str, Any]) -> Figure:
    """Each weight layer's share of a network's parameters and of its MACs."""
    weighted = [c for c in network["layers"] if c["params"]]
    names = [c["name"] for c in weighted]
    params = np.array([c["params"] for c in weighted], float)
    macs = np.array([c["macs"] for c in weighted], float)
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


# %%
save_figure(plot_budget(networks["alexnet"]), args.out / "alexnet_budget.png", dpi=110)

# %% [markdown]
# ## LeNet-5 to ResNet-50
#
# For comparison: this course's LeNet-5 (the one `lenet_mnist.py` trains: ReLU,
# max pooling, C5 as a dense layer, softmax), and two later ImageNet networks
# from `keras.applications`, built without their trained weights
# (`weights=None`) since only their shapes are counted. `--smoke` leaves these two out.


# %%
def build_course_lenet5() -> keras.Model:
    """This course's LeNet-5, as lenet_mnist.py builds it."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(6, 5, activation="relu", name="C1"),  # 28x28 -> 24x24, no padding
            layers.MaxPooling2D(2, name="S2"),
            layers.Conv2D(16, 5, activation="relu", name="C3"),
            layers.MaxPooling2D(2, name="S4"),
            layers.Flatten(name="flatten"),
            layers.Dense(120, activation="relu", name="C5"),
            layers.Dense(84, activation="relu", name="F6"),
            layers.Dense(10, activation="softmax", name="output"),
        ],
        name="lenet5",
    )


networks["lenet_course"] = describe(build_course_lenet5())
if not args.smoke:
    networks["vgg16"] = describe(keras.applications.VGG16(weights=None))
    networks["resnet50"] = describe(keras.applications.ResNet50(weights=None))

print(f"{'network':18} {'input':>11} {'conv':>5} {'dense':>5} {'parameters':>12} {'MACs per image':>15}")
for name in ("lenet1998", "lenet_course", "alexnet", "alexnet_one_tower", "vgg16", "resnet50"):
    if name in networks:
        n = networks[name]
        size = "x".join(map(str, n["input"]))
        print(f"{name:18} {size:>11} {n['conv_layers']:>5} {n['dense_layers']:>5} {n['params']:>12,} {n['macs']:>15,}")

# %% [markdown]
# ## The record
#
# Everything above in one JSON file: the lessons' tables are generated from it,
# and the course's tests compare it with the papers.

# %%
record = {
    "smoke": args.smoke,
    "networks": networks,
    "c3_table": [list(maps) for maps in C3_TABLE],
    "c3_measured": c3_measured,
    "first_layer_output": first_layer,
    "checks": checks,
}
save_json(record, args.out / "architectures.json")
