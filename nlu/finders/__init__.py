"""Finders: each finds one kind of fact anywhere in a text (a household size, an age, a
phone number, an amount and its role, a place, …), whichever question was asked.

The order is one way: ``nlu.finders`` → ``nlu.facts`` (the one fact extractor, built
from these finders) → ``nlu.answers`` (the per-question readers, which use the finders
for their own value and ``nlu.facts`` for every other fact the message held). Nothing
here imports ``nlu.facts`` or ``nlu.answers``; an import-linter contract in
pyproject.toml keeps it so. The shared text tools (``text``, ``negation``, ``_words``)
and the value types (``values``) are here too, at the bottom.
"""
