"""The state of a :class:`aekit.data.tabular.TabularEncoder` as model files keep it: a JSON
document (categories as lists), written by ``get_state`` and read back by ``set_state``, which
the RUN's encoder.json and every model file holding an encoder store."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from aekit.data.encoder_state_checks import check_state
from aekit.data.feature_groups import FeatureGroup
from aekit.io.atomic import atomic_write
from aekit.io.paths import user_path
from aekit.io.text_kinds import looks_like_text


class EncoderState:
    """Mixin of :class:`aekit.data.tabular.TabularEncoder`: ``get_state`` and ``set_state``, and
    ``save`` and ``load`` of a JSON file of that state."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted encoding to ``path`` as JSON (a RUN's encoder.json holds the same),
        whole or not at all; :meth:`load` reads it back. A model file keeps the network alone:
        keep its encoder beside it.

        Parameters
        ----------
        path : str or path-like
            The file to write (``.json``).
        """
        check_is_fitted(self)
        path = user_path(path)
        if path.suffix.lower() != ".json":  # enc.safetensors or enc.pkl, read later as neither
            raise ValueError(
                f"TabularEncoder.save writes JSON; give a path ending .json, not {path.name!r} "
                "(a model's file is the model's .safetensors, written by its own save)."
            )
        text = json.dumps(self.get_state(), indent=1) + "\n"

        def write(temporary: str) -> None:
            Path(temporary).write_text(text, encoding="utf-8")

        atomic_write(path, write)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Any:
        """The encoder a file written by :meth:`save` (or a RUN's encoder.json) holds.

        Parameters
        ----------
        path : str or path-like
            The JSON file.

        Returns
        -------
        encoder : TabularEncoder

        Raises
        ------
        FileNotFoundError
            For a path that is no file.
        ValueError
            For a file that cannot be read as one, naming it.
        """
        path = user_path(path)
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "does not exist"
            raise FileNotFoundError(f"{path} {what}; give the file TabularEncoder.save wrote.")
        with open(path, "rb") as handle:
            start = handle.read(512)
        if not start:
            raise ValueError(f"{path} is empty (0 bytes): write it again (TabularEncoder.save).")
        if not looks_like_text(start):  # a model file: its codec error blamed a sound file
            raise ValueError(
                f"{path} is no table encoding (TabularEncoder.save writes JSON text); a model "
                "file is read with aekit.load."
            )
        try:
            return cls().set_state(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
            raise ValueError(
                f"{path} is damaged or no table encoding ({err}); write it again "
                "(TabularEncoder.save, or train the RUN again)."
            ) from None

    def get_state(self) -> dict[str, Any]:
        """The fitted state as a JSON-serializable dict.

        Returns
        -------
        state : dict
        """
        check_is_fitted(self)
        return {
            "input_is_frame": self.input_is_frame_,
            "feature_names_in": list(self.feature_names_in_),
            "column_labels": self.column_labels_,
            "dtypes": self.dtypes_,
            "categories": self.categories_,
            "mean": self.mean_,
            "scale": self.scale_,
            "groups": [[g.name, g.start, g.stop, g.kind] for g in self.feature_groups_],
            "one_hot_groups": [list(group) for group in self.one_hot_groups_],
            **({} if self.range_ is None else {"range": self.range_}),
        }

    def set_state(self, state: dict[str, Any]) -> Any:
        """Restore the state written by :meth:`get_state`.

        Parameters
        ----------
        state : dict
            What :meth:`get_state` returned.

        Returns
        -------
        self : TabularEncoder

        Raises
        ------
        ValueError
            For a state no fit writes (an entry of another kind, a NaN mean, a scale of 0, a
            group that does not span its column's categories), naming the entry.
        """
        check_state(state)  # an edited file failed later, in Python's words or the data's
        self.input_is_frame_ = bool(state["input_is_frame"])
        self.feature_names_in_ = np.asarray(state["feature_names_in"], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        # (files written before the labels were kept have the names alone)
        self.column_labels_ = list(state.get("column_labels", self.feature_names_in_))
        self.dtypes_ = dict(state["dtypes"])
        self.categories_ = {k: list(v) for k, v in state["categories"].items()}
        self.mean_ = {k: float(v) for k, v in state["mean"].items()}
        self.scale_ = {k: float(v) for k, v in state["scale"].items()}
        self.feature_groups_ = [
            FeatureGroup(str(n), int(a), int(b), str(k)) for n, a, b, k in state["groups"]
        ]
        self.n_features_out_ = self.feature_groups_[-1].stop if self.feature_groups_ else 0
        # (files written before detect_one_hot existed have none)
        self.one_hot_groups_ = tuple((int(a), int(b)) for a, b in state.get("one_hot_groups", []))
        # (files written before the ranges were kept have none: clip=True is refused)
        ranges = state.get("range")
        self.range_ = (
            None if ranges is None else {k: [float(a), float(b)] for k, (a, b) in ranges.items()}
        )
        return self
