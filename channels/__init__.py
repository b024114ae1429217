"""Channel adapters: wire format in, ``UserMessage`` to the engine, ``BotReply`` out."""
