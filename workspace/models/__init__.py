"""SQLAlchemy models, one module per area; imported here so metadata is complete."""

from .accounts import (
    AccessToken,
    EmailPurpose,
    EmailToken,
    LoginAttempt,
    RoleKind,
    TokenScope,
    User,
    hash_token,
)
from .cache import LessonSummary, RenderedBlob
from .courses import Activity, Course, CourseRedirect
from .editing import Draft, Presence  # noqa: F401  (the lesson editor's tables)
from .exchange import CourseImport
from .networks import Invitation, JoinRequest, Membership, Network, NetworkKind, Role, Visibility
from .search import DocumentKind, LessonStandard, SearchDocument, SearchIndexState
from .sessions import LoginSession
from .studies import (
    DebriefPoint,
    DebriefStage,
    EventKind,
    Iteration,
    Observation,
    Phase,
    PhaseMove,
    StudentWork,
    Study,
    StudyEvent,
    StudyEventPerson,
    StudyMember,
    TeamRole,
)
from .threads import Comment, Thread, ThreadKind, ThreadPosition, ThreadStatus

__all__ = [
    "AccessToken",
    "Activity",
    "Comment",
    "Course",
    "CourseImport",
    "DebriefPoint",
    "DebriefStage",
    "DocumentKind",
    "CourseRedirect",
    "EmailPurpose",
    "EventKind",
    "EmailToken",
    "Invitation",
    "Iteration",
    "JoinRequest",
    "LessonStandard",
    "LessonSummary",
    "LoginAttempt",
    "LoginSession",
    "Membership",
    "Network",
    "NetworkKind",
    "Observation",
    "Phase",
    "PhaseMove",
    "RenderedBlob",
    "Role",
    "SearchDocument",
    "SearchIndexState",
    "RoleKind",
    "StudentWork",
    "Study",
    "StudyEvent",
    "StudyEventPerson",
    "StudyMember",
    "TeamRole",
    "Thread",
    "ThreadKind",
    "ThreadPosition",
    "ThreadStatus",
    "TokenScope",
    "User",
    "Visibility",
    "hash_token",
]
