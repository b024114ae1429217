"""jiuzhu bot: engine, channels, session stores, settings and the command line."""
