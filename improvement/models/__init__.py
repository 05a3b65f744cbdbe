"""The improvement plan's data: plans and their keys, sections, objectives, actions,
milestones, reporting periods, the append-only progress updates with their sign-off and
evidence files, and notification records. Users' changes are recorded by
django-simple-history, registered here."""

from django.contrib.auth import get_user_model
from simple_history import register

from .board_pack import BoardPack
from .house_style import HouseStyle
from .imports import PendingImport
from .notifications import DigestLog, NotificationPreference, ReminderLog
from .plan_state import PlanStateVersion
from .plans import Cadence, Plan, PlanKind, ReportingPeriod, Section, StatusKeyEntry
from .progress import AreaForDevelopment, EvidenceFile, ProgressUpdate, SignOff
from .reports import ReportCover, SavedReport
from .status_timeline import StatusInterval
from .versioned import StaleEdit, Versioned
from .work import Action, Milestone, Objective

register(
    get_user_model(),
    app="improvement",
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups"],
)

__all__ = [
    "Action",
    "AreaForDevelopment",
    "BoardPack",
    "DigestLog",
    "EvidenceFile",
    "HouseStyle",
    "Milestone",
    "NotificationPreference",
    "Objective",
    "PendingImport",
    "Plan",
    "PlanKind",
    "PlanStateVersion",
    "ProgressUpdate",
    "ReminderLog",
    "ReportCover",
    "ReportingPeriod",
    "Cadence",
    "SavedReport",
    "Section",
    "SignOff",
    "StaleEdit",
    "StatusInterval",
    "StatusKeyEntry",
    "Versioned",
]
