"""jiuzhu flows: the dialogues, built on one small form mechanism."""
