"""Input checks of the autoencoders: X as the float rows the networks take, and its images'
shape, with errors that say what is wrong and how to fix it."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from aekit.data.validation import as_numeric_array
from aekit.estimators._disk import DiskRows, disk_rows


class InputChecks:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`."""

    _masks_missing: ClassVar[bool] = False  # X may hold NaN (missing entries): see imputation

    def _validate_X(self, X: Any, reset: bool) -> np.ndarray | DiskRows:
        """Checked float32 rows, flattened to (n, n_features); records the shapes on reset.
        Data on disk (a dataset, a large memmap) come back as :class:`DiskRows`, unread: each
        batch is checked as it is read."""
        on_disk = disk_rows(X, self._masks_missing)
        if on_disk is not None:
            return self._validate_disk(on_disk, reset)
        array = as_numeric_array(X, allow_nan=self._masks_missing)
        flat = array.reshape(len(array), -1)
        validate_data(
            self, X if isinstance(X, pd.DataFrame) else flat, reset=reset, ensure_all_finite=False
        )  # as_numeric_array already said where
        if reset:
            self.input_ndim_ = array.ndim
            self.image_shape_ = self._resolve_image_shape(array)
        elif array.ndim == 4 and tuple(array.shape[1:]) != tuple(self.image_shape_ or ()):
            raise ValueError(
                f"X has images of shape {tuple(array.shape[1:])} but the model was fitted on "
                f"{self.image_shape_}."
            )
        return flat

    def _validate_disk(self, rows: DiskRows, reset: bool) -> DiskRows:
        """What ``validate_data`` checks of an array, from the reader's header."""
        reader = rows.reader
        one_row = np.zeros((1, *reader.row_shape), np.float32)  # the shape without the data
        if reset:
            self.n_features_in_ = reader.n_features
            if reader.named_columns:  # a table's columns, as validate_data keeps a DataFrame's
                self.feature_names_in_ = np.asarray(reader.columns, dtype=object)
            else:
                self.__dict__.pop("feature_names_in_", None)
            self.input_ndim_ = one_row.ndim
            self.image_shape_ = self._resolve_image_shape(one_row)
            return rows
        if reader.n_features != self.n_features_in_:
            raise ValueError(
                f"X has {reader.n_features} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        if one_row.ndim == 4 and tuple(one_row.shape[1:]) != tuple(self.image_shape_ or ()):
            raise ValueError(
                f"X has images of shape {tuple(one_row.shape[1:])} but the model was fitted on "
                f"{self.image_shape_}."
            )
        return rows

    def _resolve_image_shape(self, array: np.ndarray) -> tuple[int, int, int] | None:
        given = tuple(int(v) for v in self.image_shape) if self.image_shape is not None else None
        if array.ndim == 4:
            found = tuple(int(v) for v in array.shape[1:])
            if given is not None and given != found:
                raise ValueError(f"image_shape={given} does not match X's images {found}.")
            return found
        if given is not None and (len(given) != 3 or int(np.prod(given)) != array.shape[1]):
            raise ValueError(
                f"image_shape={given} must be (C, H, W) with C*H*W equal to X's "
                f"{array.shape[1]} features."
            )
        if self.architecture == "conv" and given is None:
            raise ValueError(
                "architecture='conv' needs images: pass X as (n, C, H, W) or set "
                "image_shape=(C, H, W)."
            )
        return given
