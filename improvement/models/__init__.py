"""The improvement plan's data: plans and their keys, sections, objectives, actions,
milestones, reporting periods and the append-only progress updates."""

from .plans import Plan, PlanKind, ReportingPeriod, Section, StatusKeyEntry
from .progress import AreaForDevelopment, ProgressUpdate
from .work import Action, Milestone, Objective

__all__ = [
    "Action",
    "AreaForDevelopment",
    "Milestone",
    "Objective",
    "Plan",
    "PlanKind",
    "ProgressUpdate",
    "ReportingPeriod",
    "Section",
    "StatusKeyEntry",
]
