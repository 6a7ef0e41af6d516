"""What the running command is: its name and the options it takes, for the command line's
words in messages (:mod:`aekit.cli.advice` and the modules of its rules)."""

from __future__ import annotations


def command_name() -> str:
    """The running command's name ('COMMAND' outside one)."""
    from aekit.cli import outputs

    return "COMMAND" if outputs.current_call is None else outputs.current_call[0]


def running_options() -> set[str]:
    """The parameters of the running command, the table options added to those that read
    DATA (:mod:`aekit.cli.table_options`) included; not --epochs where --param max_iter set
    the epochs (its advice would be refused beside it)."""
    from aekit.cli import outputs, table_options

    if outputs.current_call is None:
        return set()
    arguments = outputs.current_call[2]
    names = set(arguments)
    if names & set(table_options.DATA_PARAMETERS):
        names |= table_options.OPTION_NAMES
    typed = arguments.get("param") or ()
    if any(pair.partition("=")[0].strip() == "max_iter" for pair in typed):
        names.discard("epochs")
    return names


def or_digits() -> str:
    """What follows "no such file or folder" of a DATA: the bundled digits to try, where the
    running command can use them ('aekit impute' cannot: they have no gaps to fill)."""
    return "" if command_name() == "impute" else " (or use 'digits')"
