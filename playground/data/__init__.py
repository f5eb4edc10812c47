"""Data for the playground: toy sets, input features, user data (clicks, CSV) and MNIST.

This layer imports NumPy and the standard library only, so it can be used and tested
without the engine, the experiment or the UI.
"""

from playground.data.datasets import (
    DATASETS,
    N_SAMPLES_MAX,
    Dataset,
    DatasetSpec,
    class_index,
    make_dataset,
    to_targets,
    train_test_split,
    with_outliers,
)
from playground.data.features import FEATURES, Feature, feature_matrix, grid_points
from playground.data.mnist import ASSETS_DIR, Mnist, load_mnist, mnist_subset, read_mnist_npz
from playground.data.scaling import STANDARDIZE, Standardizer
from playground.data.userdata import (
    MAX_BYTES,
    MAX_ROWS,
    CSVError,
    PointSet,
    check_size,
    parse_csv,
    to_csv,
)

__all__ = [
    "ASSETS_DIR",
    "CSVError",
    "check_size",
    "DATASETS",
    "Dataset",
    "DatasetSpec",
    "FEATURES",
    "Feature",
    "MAX_BYTES",
    "MAX_ROWS",
    "Mnist",
    "N_SAMPLES_MAX",
    "PointSet",
    "STANDARDIZE",
    "Standardizer",
    "class_index",
    "feature_matrix",
    "grid_points",
    "load_mnist",
    "make_dataset",
    "mnist_subset",
    "parse_csv",
    "read_mnist_npz",
    "to_csv",
    "to_targets",
    "train_test_split",
    "with_outliers",
]
