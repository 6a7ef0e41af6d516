"""``python -m aekit``: the command line, as the ``aekit`` command; so that
``torchrun --nproc_per_node=N -m aekit train DATA --out RUN`` trains on N processes."""

from aekit.cli.app import main

main()
