"""What each endpoint computes, on the Python API alone: a loaded model and the rows of a request
in, arrays and JSON out. Nothing here knows HTTP; :mod:`aekit.serve.app` calls it in worker
threads. The API's own ``ValueError`` / ``TypeError`` (NaN, wrong width, unknown category or
label) pass through unchanged, so a client reads the message a Python user would.

A model trained by ``aekit train`` on a table with text columns is served with the RUN's
encoder (``RUN/encoder.json``, :class:`aekit.data.tabular.TabularEncoder`): requests send the
table's own columns (records, or ``"columns"`` + ``"data"``), which are encoded as ``aekit score
RUN table.csv`` encodes them, and ``reconstruct`` answers rows of those columns (JSON only: a
``.npy`` answer is refused, 406, as text cannot go into one).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit._version import __version__
from aekit.serve.bodies import Rows, as_labels, order_columns

TOP_FEATURES = 3


class Served:
    """A fitted autoencoder or :class:`aekit.AnomalyDetector` behind the server's endpoints.

    Parameters
    ----------
    model : aekit autoencoder or AnomalyDetector
        Fitted, e.g. from :func:`aekit.load`.
    encoder : TabularEncoder, default=None
        The table encoding the model was trained through (a RUN's ``encoder.json``): rows are
        tables of its columns, encoded before the model sees them.

    Raises
    ------
    TypeError
        For any other model (the composites: serve their inner autoencoder).
    """

    def __init__(self, model: Any, encoder: Any = None) -> None:
        from aekit.anomaly import AnomalyDetector
        from aekit.estimators import BaseAutoencoder

        self.model, self.encoder = model, encoder
        self.detector = isinstance(model, AnomalyDetector)
        if not (self.detector or isinstance(model, BaseAutoencoder)):
            series = (  # its points are scored by windows around them: a series, not rows
                "; score a series' new points with 'aekit score RUN DATA' (with the points "
                "before them, a window's worth) or its score_samples in Python"
                if hasattr(model, "window")
                else "; predict with 'aekit predict RUN DATA' or its predict in Python"
                if hasattr(model, "network_")  # a fine-tuned classifier or regressor
                else ""
            )
            raise TypeError(
                f"aekit serve serves autoencoders and anomaly detectors of rows, not "
                f"{type(model).__name__}{series}."
            )
        self.classes = None if self.detector else getattr(model, "classes_", None)
        names = getattr(model, "feature_names_in_", None)
        self.feature_names = None if names is None else [str(n) for n in names]

    @property
    def endpoints(self) -> list[str]:
        """The row endpoints this model answers (``generate`` takes no rows)."""
        if self.detector:
            return ["score", "predict"]
        return ["encode", "reconstruct", "score"] + (["generate"] if self.generative else [])

    @property
    def generative(self) -> bool:
        return not self.detector and hasattr(self.model, "sample")

    def describe(self) -> dict[str, Any]:
        """``GET /v1/model``: class, parameters, features, labels, versions."""
        from aekit.estimators.persistence import params_to_json, to_json

        model = self.model
        info = {
            "class": type(model).__name__,
            "aekit_version": __version__,
            "params": params_to_json(model),
            "n_features_in": int(model.n_features_in_),
            "feature_names": self.feature_names,
            "endpoints": self.endpoints,
        }
        if self.detector:
            info["threshold"] = float(model.threshold_)
            info["columns"] = [str(n) for n in model.encoder_.feature_names_in_]
        else:
            info["input_shape"] = list(model.input_shape())
            info["latent_dim"] = model.latent_dim_
            info["classes"] = None if self.classes is None else to_json(self.classes)
        if self.encoder is not None:  # what requests send: the table's columns
            info["columns"] = [str(n) for n in self.encoder.feature_names_in_]
        # each text column's categories, as a client must write them (another is refused)
        table = self.encoder if self.encoder is not None else getattr(model, "encoder_", None)
        categories = getattr(table, "categories_", None)
        if categories:
            info["categories"] = {str(k): to_json(list(v)) for k, v in categories.items()}
        return info

    # ---- the endpoints ---------------------------------------------------------------------
    def _inputs(self, rows: Rows) -> tuple[Any, tuple]:
        """X in the model's column order, and the labels argument of a ConditionalVAE."""
        X = self._encoded(rows.X) if self.encoder is not None else rows.X
        if self.detector and self.model.encoder_.categories_:
            self._check_table(X, list(self.model.encoder_.feature_names_in_))
        X = order_columns(X, self.feature_names, rows.keyed)
        if self.classes is None:
            return X, ()
        return X, (as_labels(rows.labels, len(rows), self.classes),)

    def _encoded(self, X: Any) -> np.ndarray:
        """A request's table through the RUN's encoder (``aekit score RUN table.csv``'s)."""
        columns = [str(n) for n in self.encoder.feature_names_in_]
        self._check_table(X, columns)
        return self.encoder.transform(order_columns(X, columns))

    @staticmethod
    def _check_table(X: Any, columns: list) -> None:
        """Rows for a model of a table with text columns come as a table: numbers alone (a
        .npy) would put numbers in its text columns, every one an unseen category, and plain
        lists are read as numbers."""
        import pandas as pd

        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                "the model was trained on a table with text columns; send the rows as records "
                '(objects keyed by column), as "columns" and "data", or as Arrow, with the '
                f"columns {[str(c) for c in columns]}."
            )

    def compute(self, name: str, rows: Rows) -> np.ndarray:
        """The array of the per-row endpoint ``name`` (encode, reconstruct, score)."""
        X, labels = self._inputs(rows)
        if name == "score":  # log-likelihood, or a detector's score_samples: higher = normal
            if self.detector:  # -inf (JSON null) for a category never seen in training
                from aekit.anomaly.unseen import scores_with_unseen

                return scores_with_unseen(self.model, X)
            return self.model.score_samples(X, *labels)
        if name == "encode":
            return self.model.transform(X, *labels)
        return self.model.reconstruct(X, *labels)  # a CVAE predicts labels it is not given

    def document(self, name: str, array: np.ndarray, clip: bool = False) -> dict[str, Any]:
        """The JSON answer of the per-row endpoint ``name`` for its array (``clip``: a table's
        numbers within their training ranges)."""
        if name == "score":
            return {"scores": _json_numbers(array)}
        if name == "encode":
            names = [str(n) for n in self.model.get_feature_names_out()]
            return {"codes": array.tolist(), "columns": names}
        if self.encoder is not None:  # back into the table's columns, text included
            table = self.encoder.inverse_transform(array, clip=clip).to_dict(orient="split")
            return {"rows": table["data"], "columns": table["columns"]}
        return {"rows": array.tolist(), "columns": self.feature_names}

    def _answer(self, name: str, rows: Rows) -> tuple[np.ndarray, dict[str, Any]]:
        array = self.compute(name, rows)
        return array, self.document(name, array)

    def encode(self, rows: Rows) -> tuple[np.ndarray, dict[str, Any]]:
        return self._answer("encode", rows)

    def reconstruct(self, rows: Rows) -> tuple[np.ndarray, dict[str, Any]]:
        return self._answer("reconstruct", rows)

    def score(self, rows: Rows) -> tuple[np.ndarray, dict[str, Any]]:
        return self._answer("score", rows)

    def predict(self, rows: Rows) -> tuple[np.ndarray, dict[str, Any]]:
        """A detector's flag, probability of being an anomaly, score and top features."""
        import pandas as pd

        from aekit.anomaly.unseen import explained_rows

        detector = self.model
        X = rows.X
        columns = [str(n) for n in detector.encoder_.feature_names_in_]
        if detector.encoder_.categories_:
            self._check_table(X, columns)
        if not isinstance(X, pd.DataFrame):  # explain names features after a DataFrame's columns
            array = np.asarray(X)
            if array.ndim == 2 and array.shape[1] == len(columns):
                X = pd.DataFrame(array, columns=columns)
        X = order_columns(X, columns)
        if not isinstance(X, pd.DataFrame):  # rows the API refused to frame
            raise ValueError(f"X must have the detector's {len(columns)} columns: {columns}.")
        # a category never seen in training: scored -inf (JSON null), flagged, named first;
        # refusing it would fail the whole request for one row
        rows_out = explained_rows(detector, X, TOP_FEATURES)
        probability = rows_out["probability"]
        result = {
            "anomaly": rows_out["anomaly"].tolist(),
            "probability": probability.tolist(),
            "scores": _json_numbers(-rows_out["anomaly_score"]),
            "top_features": rows_out["top_features"],
        }
        return probability, result

    def generate(
        self,
        n: int,
        label: Any,
        seed: int | None,
        draw: bool = False,
        label_prior: str = "uniform",
        clip: bool = False,
    ) -> tuple[np.ndarray, dict]:
        """``n`` samples (of ``label`` for a ConditionalVAE; uniform labels when None), from
        ``seed``, or fresh when it is None; ``draw``: drawn from p(x|z) (``sample``'s
        ``draw_x``). Unlike the row endpoints, which score rows alike with
        or without labels on a model that takes none (as the Python API does), a label here
        asks for samples of that label, which a model that takes none cannot give: refused.
        ``label_prior`` and ``clip`` as ``aekit generate`` takes them."""
        if label_prior != "uniform" and (label is not None or self.classes is None):
            whose = '"label"\'s alone' if label is not None else "a ConditionalVAE's alone"
            raise ValueError(f'"label_prior": "{label_prior}": the labels drawn are {whose}.')
        if clip and self.encoder is None:
            raise ValueError(
                '"clip" keeps a table\'s columns within their training ranges; this model '
                "serves no table with text columns (its encoder keeps them): drop it."
            )
        drawn = None
        if self.classes is not None:  # each row's label said: drawn ones too, as the CLI writes
            y = None if label is None else as_labels(label, n, self.classes)
            samples, drawn = self.model.sample(
                n, y=y, random_state=seed, return_y=True, draw_x=draw, label_prior=label_prior
            )
        else:
            if label is not None:  # ignoring it would answer samples of every kind as "of label"
                raise ValueError(
                    f"{type(self.model).__name__} is not conditional: its samples cannot be of "
                    f'label {label!r}; drop "label" (a ConditionalVAE generates a given label).'
                )
            samples = self.model.sample(n, random_state=seed, draw_x=draw)
        # rows as reconstruct answers them: a table's in its own columns (they were encoded
        # numbers and raw category probabilities, with no column names)
        document = self.document("reconstruct", samples, clip)
        return samples, document if drawn is None else {**document, "labels": drawn.tolist()}


def _json_numbers(values: np.ndarray) -> list:
    """``values`` as a JSON list; -inf (a row a detector cannot score: a category never seen in
    training) as null, since JSON has no infinity."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]
