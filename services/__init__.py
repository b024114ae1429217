"""The use-cases every adapter shares: apply, record intake (口述办), open a chat case,
look up a status, bind a recipient, and the staff desk steps. They return typed
outcomes; flows turn them into replies, Rasa actions into events, the console into
pages, the Telegram desk into messages."""
