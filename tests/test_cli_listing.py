"""The order of the commands in ``aekit --help``."""


def test_the_commands_are_listed_in_their_order():
    # moving demo into a module of its own moved it, and info, down 'aekit --help' unsaid
    from aekit.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names[:10] == ["train", "encode", "reconstruct", "score", "generate", "interpolate",
                          "report", "info", "demo", "detect"]  # fmt: skip
