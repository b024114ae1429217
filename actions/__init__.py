"""rasa-sdk custom actions over the same services as the chat flows (``jiuzhu actions``).

Each action is a thin adapter: it reads the Rasa slots, builds the same turn the
engine would build (``actions.context``), calls the flow code or service the
chat uses, and answers through the ``CollectingDispatcher`` with the flows' own reply
texts. No business rule lives here.
"""

from __future__ import annotations

# The action names of the contract "Rasa action server" (design.md).
CONTRACT_ACTIONS: tuple[str, ...] = (
    "action_policy_answer",
    "action_screening",
    "validate_application_form",
    "action_submit_application",
    "action_application_status",
    "action_checkin",
    "action_urgent_help",
    "action_handoff",
)
