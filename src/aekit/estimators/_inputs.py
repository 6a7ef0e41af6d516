"""Input checks of the autoencoders: X as the float rows the networks take, and its images'
shape, with errors that say what is wrong and how to fix it."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from aekit.data.validation import as_numeric_array


class InputChecks:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`."""

    _masks_missing: ClassVar[bool] = False  # X may hold NaN (missing entries): see imputation

    def _validate_X(self, X: Any, reset: bool) -> np.ndarray:
        """Checked float32 rows, flattened to (n, n_features); records the shapes on reset."""
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
