"""The floor every other package stands on: settings, data loading, messages,
sessions and their stores, masking and texts. It imports nothing of ours."""
