"""Review and improvement: self-assessment, peer review, recommendations to implementation,
governance groups, the project timeline and the members area. No identifiable child data."""

from .cycles import Answer, Assessment, AssessmentSection, Cycle, Evidence
from .frameworks import Framework, FrameworkVersion, Question, ReviewArea, Section, validate_rating_scale
from .governance import DirectoryListing, GovernanceGroup, GroupMeeting, GroupMembership, Milestone, NewsItem
from .peer import (
    ActionMilestone,
    Finding,
    ImplementationAction,
    OwnerKind,
    PeerReview,
    ProgressUpdate,
    Recommendation,
    ReviewerAssignment,
    ReviewNote,
    ReviewRound,
    Sector,
    Theme,
)

__all__ = [
    "ActionMilestone",
    "Answer",
    "Assessment",
    "AssessmentSection",
    "Cycle",
    "DirectoryListing",
    "Evidence",
    "Finding",
    "Framework",
    "FrameworkVersion",
    "GovernanceGroup",
    "GroupMeeting",
    "GroupMembership",
    "ImplementationAction",
    "Milestone",
    "NewsItem",
    "OwnerKind",
    "PeerReview",
    "ProgressUpdate",
    "Question",
    "Recommendation",
    "ReviewArea",
    "ReviewNote",
    "ReviewRound",
    "ReviewerAssignment",
    "Section",
    "Sector",
    "Theme",
    "validate_rating_scale",
]
