"""A Rasa form over a flow's slots: validation, which slots are wanted, and the questions.

``FlowFormValidation`` is a rasa-sdk ``FormValidationAction`` whose ``validate_<slot>``
methods read and check each answer with the flow's own ``Slot`` (extractor,
validator, reason), whose ``required_slots`` drop the slots the flow would not ask
(``Slot.ask_if``), and whose ``action_ask_<form>_<slot>`` actions ask the flow's
question with its choices as buttons. The Rasa slot may be named differently from
the flow's slot (``checkin_members`` → ``members``).

Two things the chat engine does outside a flow are done here for Rasa:

* an answer fills the slot asked for, not another one already answered: Rasa's
  ``from_entity`` mappings fill a slot from any message (the deposits answer "两千" also
  carries a ``monthly_income`` entity), so a slot set this turn that was not asked keeps
  its earlier value — unless, as in the chat's forms, the message states that fact
  (``nlu.facts``: "我家月收入两千") and the slot was empty, or it is a correction
  ("不对，收入是一千");
* "取消" (jiuzhu's NLU reads it as ``deny``, the same as the answer "没有", so no Rasa rule
  can tell them apart) leaves the form: the validation action ends the loop
  (``ActiveLoop(None)``), clears what this form filled and says so; the action run when
  the form is done (``cancelled``) then does nothing.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import question, read
from actions.context import cancelled, latest_text
from flows.forms import Slot
from flows.reading import is_correction
from flows.texts import texts
from nlu.facts import extract_facts

if TYPE_CHECKING:
    from services.container import Services

Validator = Callable[[Any, CollectingDispatcher, Tracker, DomainDict], Awaitable[dict[str, Any]]]


class FlowFormValidation(FormValidationAction):
    """``validate_<form>`` for a Rasa form whose slots are a flow's slots."""

    form: str = ""
    cancelled_text = "core.cancelled"  # what 取消 says (the flow's own text)

    def __init__(self, services: Services) -> None:
        self.services = services
        self._slots: dict[str, Slot] | None = None

    def name(self) -> str:
        return f"validate_{self.form}"

    def flow_slots(self) -> dict[str, Slot]:
        """Rasa slot name → the flow's ``Slot``, in the order the flow asks them."""
        if self._slots is None:
            self._slots = self.build_slots()
        return self._slots

    # -- what a form provides -----------------------------------------------------
    @abstractmethod
    def build_slots(self) -> dict[str, Slot]:
        """Rasa slot name → the flow's ``Slot`` this form validates."""

    async def known(self, tracker: Tracker) -> dict[str, Any]:
        """Facts that are not slots but decide what is asked (a bound roster entry)."""
        return {}

    def special(self, tracker: Tracker, values: dict[str, Any]) -> None:
        """Fill ``values`` from slots read otherwise than one by one (conditions)."""

    def to_rasa(self, name: str, value: Any) -> dict[str, Any]:
        """The slot events for an accepted value (a place also names its village)."""
        return {name: value}

    # -- the mechanism ------------------------------------------------------------
    async def values(self, tracker: Tracker, skip: str = "") -> dict[str, Any]:
        """The answers so far as the flow keeps them (refused ones left out)."""
        values, _ = await self.answers(tracker, skip)
        return values

    async def answers(
        self, tracker: Tracker, skip: str = ""
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The answers so far, and the reason each refused slot value was refused."""
        values = await self.known(tracker)
        self.special(tracker, values)
        problems: dict[str, str] = {}
        for name, slot in self.flow_slots().items():
            if name == skip or slot.name in values or tracker.get_slot(name) is None:
                continue
            value, problem = read(self.services, tracker, slot, tracker.get_slot(name), values)
            if problem is None:
                values[slot.name] = value
            else:
                problems[name] = problem
        return values, problems

    async def missing(self, tracker: Tracker) -> tuple[dict[str, Any], str | None, str | None]:
        """The answers, the first slot the flow wants that is not there, and the reason
        its value was refused (None when it was never given)."""
        values, problems = await self.answers(tracker)
        for name, slot in self.flow_slots().items():
            if slot.asked and slot.name not in values and slot.wanted(values):
                return values, name, problems.get(name)
        return values, None, None

    def ask(self, dispatcher: CollectingDispatcher, name: str, values: dict[str, Any]) -> None:
        """Ask the flow's question for the Rasa slot ``name``, choices as buttons."""
        text, buttons = question(self.flow_slots()[name], values, name)
        dispatcher.utter_message(text=text, buttons=buttons or None)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = self.flow_slots()
        values = await self.values(tracker)
        return [
            name
            for name in domain_slots
            if name not in slots or (slots[name].asked and slots[name].wanted(values))
        ]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if cancelled(tracker):
            dispatcher.utter_message(text=texts()(self.cancelled_text))
            filled = filled_since_start(tracker, self.form)
            return [
                *(SlotSet(name, None) for name in filled if name in self.flow_slots()),
                SlotSet("requested_slot", None),
                ActiveLoop(None),
            ]
        return await super().run(dispatcher, tracker, domain)

    async def validate_slot(
        self, name: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        slot = self.flow_slots()[name]
        asked = tracker.get_slot("requested_slot")
        if asked and asked != name and tracker.active_loop_name == self.form:
            earlier = value_before_this_turn(tracker, name)
            said = latest_text(tracker)
            stated = slot.name in extract_facts(said, self.services.region)
            if not stated or (earlier is not None and not is_correction(said)):
                return {name: earlier}  # the answer was to another question
        values = await self.values(tracker, skip=name)
        found, problem = read(self.services, tracker, slot, value, values)
        if problem is not None:
            dispatcher.utter_message(text=problem)
            return {name: None}
        return self.to_rasa(name, found)

    def __getattr__(self, attribute: str) -> Validator:
        # rasa-sdk looks up ``validate_<slot>`` by name for every slot set this turn.
        if attribute.startswith("_") or "_slots" not in self.__dict__:
            raise AttributeError(attribute)
        name = attribute.removeprefix("validate_")
        if attribute.startswith("validate_") and name in self.flow_slots():

            async def validate(
                value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, _: DomainDict
            ) -> dict[str, Any]:
                return await self.validate_slot(name, value, dispatcher, tracker)

            return validate
        raise AttributeError(attribute)

    def ask_actions(self) -> list[Action]:
        return [AskFlowSlot(self, name) for name in self.flow_slots()]


def value_before_this_turn(tracker: Tracker, name: str) -> Any:
    """The slot's value before the latest user message (what an earlier turn left)."""
    value: Any = None
    before: Any = None
    for event in tracker.events:
        if event.get("event") == "user":
            before = value
        elif event.get("event") == "slot" and event.get("name") == name:
            value = event.get("value")
    return before


def filled_since_start(tracker: Tracker, form: str) -> list[str]:
    """The slots set since ``form`` was last activated."""
    names: list[str] = []
    for event in tracker.events:
        if event.get("event") == "active_loop" and event.get("name") == form:
            names = []
        elif event.get("event") == "slot" and event.get("name") not in names:
            names.append(str(event.get("name")))
    return [name for name in names if name != "requested_slot"]


class AskFlowSlot(Action):
    """``action_ask_<form>_<slot>``: the flow's question, its choices as buttons."""

    def __init__(self, form: FlowFormValidation, slot: str) -> None:
        self.form = form
        self.slot = slot

    def name(self) -> str:
        return f"action_ask_{self.form.form}_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        self.form.ask(dispatcher, self.slot, await self.form.values(tracker))
        return []
