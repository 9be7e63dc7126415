"""The 1998 LeNet-5 and the 2012 AlexNet, as examples/architectures.py builds and counts them, match their papers.

The tests read the record architectures.json from one fresh full run of the example (`runs.architectures_record`, shared
by the other tests that need these counts), and check that the committed docs/data/architectures.json, which the
lessons' tables are generated from, holds the same numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runs import architectures_record

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "data" / "architectures.json"
NETWORKS = ("lenet1998", "lenet_course", "alexnet", "alexnet_one_tower", "vgg16", "resnet50")  # the lessons' tables


@pytest.fixture(scope="session")
def record() -> dict:
    return architectures_record()


def layers(record: dict, network: str) -> dict[str, dict]:
    """One network's per-layer counts in a record, by layer name."""
    return {layer["name"]: layer for layer in record["networks"][network]["layers"]}


def without_rounding(record: dict) -> dict:
    """A record minus the float32 checks' relative errors, whose last digits may differ between machines."""
    checks = {k: v for k, v in record["checks"].items() if not k.endswith("_relative_error")}
    return {**record, "checks": checks}


def test_committed_record_is_a_fresh_full_run(record: dict) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed["smoke"] is False and record["smoke"] is False
    assert set(committed["networks"]) == set(NETWORKS)
    assert without_rounding(committed) == without_rounding(record), (
        "docs/data/architectures.json is stale: rerun `make figures` (examples/architectures.py)"
    )


# LeCun et al. (1998), section II.B: (trainable parameters, connections) per layer.
LENET5_PAPER = {
    "C1": (156, 122_304),
    "S2": (12, 5_880),
    "C3": (1_516, 151_600),
    "S4": (32, 2_000),
    "C5": (48_120, 48_120),
    "F6": (10_164, 10_164),
}


def test_lenet5_counts_match_the_paper(record: dict) -> None:
    counts = layers(record, "lenet1998")
    assert {name: (counts[name]["params"], counts[name]["connections"]) for name in LENET5_PAPER} == LENET5_PAPER
    # "340,908 connections, but only 60,000 trainable free parameters"
    assert sum(c["params"] for c in counts.values()) == record["networks"]["lenet1998"]["params"] == 60_000
    assert sum(c["connections"] for c in counts.values()) == record["networks"]["lenet1998"]["connections"] == 340_908
    shapes = [c["shape"] for c in counts.values()]
    assert shapes[:5] == [[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [1, 1, 120]]
    assert counts["output"]["shape"] == [10]
    assert record["networks"]["lenet1998"]["fixed_params"] == 84 * 10  # the RBF units' fixed codes


# Table I of LeCun et al. (1998), transcribed as printed: one row per S2 map (0-5), one column per C3 map (0-15).
TABLE_I_ROWS = (
    "X...XXX..XXXX.XX",
    "XX...XXX..XXXX.X",
    "XXX...XXX..X.XXX",
    ".XXX..XXXX..X.XX",
    "..XXX..XXXX.XX.X",
    "...XXX..XXXX.XXX",
)
FROM_PAPER = [[row for row in range(6) if TABLE_I_ROWS[row][col] == "X"] for col in range(16)]


def test_c3_table_is_the_papers_table_i(record: dict) -> None:
    """Every one of the 16 columns, including maps 12-14, against the paper's Table I."""
    assert [sorted(maps) for maps in record["c3_table"]] == FROM_PAPER
    # The paper's rationale (§II.B): the first six read three contiguous maps, the next six four contiguous ones,
    # the next three four discontinuous ones, and the last one all six: 60 connections between S2 and C3 maps.
    assert [len(maps) for maps in FROM_PAPER] == [3] * 6 + [4] * 9 + [6]
    assert sum(map(len, FROM_PAPER)) == 60


def test_c3_maps_read_only_their_inputs(record: dict) -> None:
    """The example changes one S2 map at a time and records which C3 maps change: Table I again."""
    assert record["c3_measured"] == FROM_PAPER


def test_subsampling_and_rbf_follow_their_formulas(record: dict) -> None:
    """Subsampling is A·tanh(S·(coefficient · window sum + bias)); RBF units, squared distances to fixed ±1 codes."""
    checks = record["checks"]
    assert checks["squashing"] == {"A": 1.7159, "S": 2 / 3}
    assert checks["subsampling_relative_error"] < 1e-5
    assert checks["rbf_relative_error"] < 1e-5
    assert checks["rbf_weight_values"] == [-1.0, 1.0] and checks["rbf_trainable_weights"] == 0


def test_local_response_norm_matches_tensorflow(record: dict) -> None:
    assert record["checks"]["lrn_relative_error"] < 1e-5


def test_alexnet_counts(record: dict) -> None:
    counts = layers(record, "alexnet")
    assert counts["conv1"]["shape"] == [55, 55, 96] and counts["pool5"]["shape"] == [6, 6, 256]
    params = sum(c["params"] for c in counts.values())
    assert params == record["networks"]["alexnet"]["params"] == 60_965_224
    assert 60e6 <= params < 61e6  # the abstract: "60 million parameters"
    one_tower = sum(c["params"] for c in layers(record, "alexnet_one_tower").values())
    assert one_tower - params == 256 * 5 * 5 * 48 + 384 * 3 * 3 * 192 + 256 * 3 * 3 * 192  # what groups=2 halves


def test_the_224_puzzle(record: dict) -> None:
    sizes = record["first_layer_output"]
    assert sizes["224"] == 54.25
    assert sizes["227"] == 55
    assert int(sizes["224, padding 2"]) == 55  # torchvision: padding 2, rounded down


def test_resnet50_cost_agrees_with_its_paper(record: dict) -> None:
    macs = sum(c["macs"] for c in record["networks"]["resnet50"]["layers"])
    assert macs == record["networks"]["resnet50"]["macs"]
    assert abs(macs / 3.8e9 - 1) < 0.03  # He et al. (2016), Table 1: 3.8 x 10^9 multiply-adds
