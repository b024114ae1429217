"""Every flow of the assistant, in one list. The engine routes intents to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.base import Flow

if TYPE_CHECKING:
    from services.container import Services


def build_flows(services: Services) -> list[Flow]:
    from flows.apply import ApplyFlow
    from flows.checkin import CheckinFlow, ReportChangeFlow
    from flows.feedback import FeedbackFlow
    from flows.followup import FollowupConsentFlow, FollowupWithdrawFlow
    from flows.handoff import HandoffFlow
    from flows.manage import ManageFlow
    from flows.policy import PolicyAnswerFlow
    from flows.reminders import ReminderSwitchFlow
    from flows.report_other import ReportOtherFlow
    from flows.screening import ScreeningFlow
    from flows.staff import StaffBindFlow, StaffIntakeFlow
    from flows.status import StatusFlow
    from flows.story import StoryFlow
    from flows.urgent import UrgentFlow

    region = services.region
    screening, apply = ScreeningFlow(), ApplyFlow(region)
    flows: list[Flow] = [
        PolicyAnswerFlow(),
        screening,
        apply,
        StatusFlow(),
        StaffBindFlow(),
        StaffIntakeFlow(region),
    ]
    flows += [CheckinFlow(), ReportChangeFlow(), UrgentFlow(), ReportOtherFlow(), FeedbackFlow()]
    flows += [HandoffFlow(), FollowupConsentFlow(), FollowupWithdrawFlow()]
    flows += [ReminderSwitchFlow(), StoryFlow(screening, apply), ManageFlow()]
    return flows
