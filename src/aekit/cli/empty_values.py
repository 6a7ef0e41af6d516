"""An option given an empty value where nothing empty means anything is refused in one line
naming it, before any work: a path option's ``''`` became ``Path('.')``, the current folder
(``-o ''`` was said as ``-o/--output . is a folder``, and ``--checkpoint ''`` would checkpoint
into the folder the command runs in), and ``--label-column ''`` read as no label column (train
ran unlabelled, silently) or as a column DATA lacks, depending on the command.

Options where an empty value has a meaning keep it: ``--id-column ''`` and ``--na-values ''``
undo a value the RUN recorded (README)."""

from __future__ import annotations

from typing import Any

from typer.core import TyperOption

# The fix said for an empty value, by parameter name; other path options: "give a path"
FIXES = {
    "output": "name the file to write",
    "out": "name the folder (or file) to write",
    "save_model": "name the model file to write",
    "figure": "name the figure file to write",
    "label_column": "name the column that holds DATA's labels",
}


def refuse_empty(option: TyperOption, value: Any) -> None:
    """A ValueError when ``value``, as typed, is empty and ``option`` is a path or a label
    column (see :data:`FIXES`)."""
    if value != "" or not (option.name in FIXES or option.type_descriptor.is_path):
        return
    fix = FIXES.get(option.name or "", "give a path")
    leave_out = "" if option.required else ", or leave the option out"
    raise ValueError(f"{'/'.join(option.opts)} is empty (''): {fix}{leave_out}.")


class RefusesEmpty(TyperOption):
    """An option whose value is checked by :func:`refuse_empty` before its type reads it (a
    path's type makes ``''`` the current folder)."""

    def process_value(self, ctx: Any, value: Any) -> Any:
        refuse_empty(self, value)
        return super().process_value(ctx, value)
