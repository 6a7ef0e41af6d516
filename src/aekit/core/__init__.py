"""Layers 2-4, the PyTorch core: network builders (``nets``), latent bottlenecks (``latent``),
what a model minimises (``objectives``), the one model (``model``) and the one training loop
(``train``). Nothing here knows scikit-learn."""
