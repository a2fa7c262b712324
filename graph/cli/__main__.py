"""``python -m graph.cli``: the ``cqkg`` command."""

from graph.cli import app

app()
