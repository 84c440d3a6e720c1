"""Casework records: the records that show whether a child is safer and whether partners acted.

* :class:`RiskAssessment` — a structured assessment on the panel's risk scale, with the next
  review date (R30). The child's *current* level and its history stay in the subjects app
  (``Subject.risk_level`` and ``RiskChange``); an assessment may set it through
  ``subjects.services.subject_set_risk``.
* :class:`Plan` — child protection, child in need, risk outside the home (ROTH), context or
  safety plan (for a location or group), disruption plan, other (R27). Intended outcomes are
  recorded when the plan is made (:class:`PlanOutcome`) and each :class:`PlanReview` scores
  progress against every one of them (R28). A context plan lists every child affected by the
  context (:class:`PlanChild`, R40).
* :class:`MissingEpisode` and its :class:`ReturnInterview` (R31–R34): date-times are stored in
  UTC and shown in London time; "within 72 hours of return" is elapsed time.
* :class:`NRMReferral` — National Referral Mechanism (R35–R38).
* :class:`Disruption` — disruption activity against a location, group or person (R29).
* :class:`Escalation` — from the panel to the partnership's tactical or strategic tier, or from
  a police BCU to Specialist Crime (R26).
* :class:`CaseworkSettings` — a panel's review intervals and NRM timeliness target.

Records are about subjects on the VOLT register (``subjects.Subject``) and are seen by exactly
the people who may see that subject. Audit labels use the pseudonymous reference, never a name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from macehub.core.models import TrackedModel

#: Return home interviews should be completed within 72 hours of the child's return (DfE 2014).
RHI_HOURS = 72
RHI_WINDOW = timedelta(hours=RHI_HOURS)


# --- Settings --------------------------------------------------------------------------------


class CaseworkSettings(TrackedModel):
    """A panel's casework settings. A panel without a row uses the defaults."""

    panel = models.OneToOneField("organisations.Panel", on_delete=models.PROTECT, related_name="casework_settings")
    assessment_review_weeks = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    plan_review_weeks = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    nrm_decision_days = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    consent_prompt_days = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name_plural = "casework settings"

    def __str__(self) -> str:
        return f"Casework settings of {self.panel}"

    @property
    def audit_label(self) -> str:
        return f"Casework settings of {self.panel.name}"

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id


# --- Risk assessments ------------------------------------------------------------------------


class RiskAssessment(TrackedModel):
    """One structured assessment of a child's risk, on the panel's scale at the time."""

    past_dates = ("assessed_on",)

    child = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="risk_assessments")
    tool = models.CharField(max_length=150)
    assessor_name = models.CharField(max_length=150)
    assessor_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField()
    level = models.CharField(max_length=40)
    factors = models.TextField()
    next_review_on = models.DateField()
    #: The child's current risk level was set from this assessment (a RiskChange was recorded).
    set_current_level = models.BooleanField(default=False)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gt=F("assessed_on")), name="assessment_review_after_assessment"
            ),
        ]
        indexes = [models.Index(fields=["child", "assessed_on"])]

    def __str__(self) -> str:
        return f"Risk assessment of {self.child} on {self.assessed_on}"

    @property
    def audit_label(self) -> str:
        return f"Risk assessment of {self.child.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.child.panel.partnership_id


# --- Plans -----------------------------------------------------------------------------------


class PlanType(models.TextChoices):
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    CHILD_IN_NEED = "child_in_need", "Child in need plan"
    ROTH = "roth", "Risk outside the home (ROTH) plan"
    CONTEXT = "context", "Context or safety plan"
    DISRUPTION = "disruption", "Disruption plan"
    OTHER = "other", "Other plan"


#: Which kinds of register record each plan type is for.
PLAN_TYPES_FOR_KIND: dict[str, list[str]] = {
    "child": [PlanType.CHILD_PROTECTION, PlanType.CHILD_IN_NEED, PlanType.ROTH, PlanType.DISRUPTION, PlanType.OTHER],
    "location": [PlanType.CONTEXT, PlanType.DISRUPTION, PlanType.OTHER],
    "group": [PlanType.CONTEXT, PlanType.DISRUPTION, PlanType.OTHER],
    "person": [PlanType.DISRUPTION, PlanType.OTHER],
}


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Plan(TrackedModel):
    """A plan for a child, or for a context (a location or group) or a person of concern."""

    past_dates = ("started_on", "ended_on")

    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="plans")
    plan_type = models.CharField(max_length=20, choices=PlanType.choices)
    other_type = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    lead_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.CharField(max_length=150)
    started_on = models.DateField()
    next_review_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    #: The children the plan covers: the child it is for, or every child affected by the context (R40).
    children = models.ManyToManyField(
        "subjects.Subject", through="PlanChild", through_fields=("plan", "child"), related_name="covering_plans"
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(plan_type__in=PlanType.values), name="plan_type_known"),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_known"),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.ACTIVE, ended_on__isnull=True)
                | Q(status=PlanStatus.ENDED, ended_on__isnull=False),
                name="plan_ended_has_date",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="plan_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(plan_type=PlanType.OTHER) | ~Q(other_type=""), name="plan_other_type_named"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_review_on"])]

    def __str__(self) -> str:
        return self.label

    @property
    def type_label(self) -> str:
        if self.plan_type == PlanType.OTHER and self.other_type:
            return self.other_type
        return str(PlanType(self.plan_type).label)

    @property
    def label(self) -> str:
        return f"{self.type_label}{f': {self.title}' if self.title else ''}"

    @property
    def audit_label(self) -> str:
        return f"{PlanType(self.plan_type).label} for {self.subject.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.subject.panel.partnership_id

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE

    @property
    def is_context_plan(self) -> bool:
        return self.subject.kind != "child"


class PlanChild(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_children")
    child = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField()

    class Meta:
        ordering = ["child__number"]
        constraints = [models.UniqueConstraint(fields=["plan", "child"], name="plan_child_once")]

    def __str__(self) -> str:
        return f"{self.child} on {self.plan}"


class PlanOutcome(models.Model):
    """An intended outcome, written when the plan is made, so reviews can measure change."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="outcomes")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="plan_outcome_order_unique")]

    def __str__(self) -> str:
        return self.text


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan as it is"
    CHANGE = "change", "Continue with changes"
    END = "end", "End the plan"


class PlanReview(TrackedModel):
    past_dates = ("reviewed_on",)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    summary = models.TextField()
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(decision__in=ReviewDecision.values), name="plan_review_decision_known"),
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.END) | Q(next_review_on__gt=F("reviewed_on")),
                name="plan_review_next_after_this",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.reviewed_on}"

    @property
    def audit_label(self) -> str:
        return f"Review of {self.plan.audit_label}"

    @property
    def audit_partnership_id(self) -> int:
        return self.plan.audit_partnership_id


class Progress(models.IntegerChoices):
    NONE = 1, "No progress"
    LITTLE = 2, "A little progress"
    SOME = 3, "Some progress"
    GOOD = 4, "Good progress"
    ACHIEVED = 5, "Achieved"


class OutcomeScore(models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="scores")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(choices=Progress.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["outcome__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="outcome_scored_once_per_review"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="outcome_score_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.get_score_display()}"


# --- Missing episodes and return home interviews ---------------------------------------------


class MissingClass(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"


class RiskGrade(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    NO_APPARENT = "no_apparent", "No apparent risk"
    NOT_GRADED = "not_graded", "Not graded"


class Placement(models.TextChoices):
    HOME = "home", "Living at home or with family"
    KINSHIP = "kinship", "Kinship care"
    FOSTER = "foster", "Foster care"
    RESIDENTIAL = "residential", "Children's home"
    SUPPORTED = "supported", "Supported accommodation (16 and 17)"
    SECURE = "secure", "Secure accommodation"
    OTHER = "other", "Other placement"
    NOT_KNOWN = "not_known", "Not known"


#: The Philomena Protocol covers children in residential care and supported accommodation.
PHILOMENA_PLACEMENTS = frozenset({Placement.RESIDENTIAL, Placement.SUPPORTED})


class Philomena(models.TextChoices):
    YES = "yes", "Yes, a Philomena Protocol form is on file"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable to this placement"


class MissingEpisode(TrackedModel):
    child = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="missing_episodes")
    #: Stored in UTC; shown in London time.
    started_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    reported_to_police = models.BooleanField()
    police_reference = models.CharField(max_length=60, blank=True)
    #: The police classification, when reported ("" if not reported).
    classification = models.CharField(max_length=15, choices=MissingClass.choices, blank=True)
    risk_grade = models.CharField(max_length=15, choices=RiskGrade.choices)
    placement = models.CharField(max_length=15, choices=Placement.choices)
    philomena = models.CharField(max_length=15, choices=Philomena.choices)
    where_found = models.CharField(max_length=200, blank=True)
    #: The London borough where the child was found: another partnership's is told (crossborder).
    found_in = models.ForeignKey(
        "organisations.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gt=F("started_at")),
                name="missing_return_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reported_to_police=True, classification__in=MissingClass.values)
                | Q(reported_to_police=False, classification=""),
                name="missing_classified_when_reported",
            ),
            models.CheckConstraint(condition=Q(risk_grade__in=RiskGrade.values), name="missing_risk_grade_known"),
            models.CheckConstraint(condition=Q(placement__in=Placement.values), name="missing_placement_known"),
            models.CheckConstraint(condition=Q(philomena__in=Philomena.values), name="missing_philomena_known"),
        ]
        indexes = [models.Index(fields=["child", "started_at"])]

    def __str__(self) -> str:
        return f"Missing episode of {self.child}"

    @property
    def audit_label(self) -> str:
        return f"Missing episode of {self.child.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.child.panel.partnership_id

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def duration(self) -> timedelta | None:
        return None if self.returned_at is None else self.returned_at - self.started_at

    @property
    def interview_due_by(self) -> datetime | None:
        """72 hours of elapsed time after the return (across a clock change too)."""
        return None if self.returned_at is None else self.returned_at + RHI_WINDOW

    @property
    def philomena_expected(self) -> bool:
        return self.placement in PHILOMENA_PLACEMENTS

    @property
    def interview_or_none(self) -> ReturnInterview | None:
        try:
            return self.interview
        except ReturnInterview.DoesNotExist:
            return None

    def interview_status(self, now: datetime) -> tuple[str, str]:
        """(what to show, tag colour) for the return home interview."""
        if self.returned_at is None:
            return "Still missing", "red"
        interview = self.interview_or_none
        due_by = self.returned_at + RHI_WINDOW
        if interview is not None and interview.outcome == InterviewOutcome.COMPLETED:
            if interview.within_72_hours:
                return "Completed within 72 hours", "green"
            return "Completed, not within 72 hours", "orange"
        if interview is not None and interview.outcome == InterviewOutcome.DECLINED:
            return "Offered, declined", "grey"
        if due_by < now:
            return "Not done within 72 hours", "red"
        return "Due within 72 hours", "yellow"


class InterviewOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "The child declined"
    NOT_YET = "not_yet", "Not done yet"
    NOT_COMPLETED = "not_completed", "Could not be completed"


class ReturnInterview(TrackedModel):
    """The return home interview after one missing episode."""

    past_dates = ("offered_on",)

    episode = models.OneToOneField(MissingEpisode, on_delete=models.PROTECT, related_name="interview")
    offered = models.BooleanField()
    offered_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=InterviewOutcome.choices)
    completed_at = models.DateTimeField(null=True, blank=True)
    interviewer_name = models.CharField(max_length=150, blank=True)
    interviewer_agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(blank=True)
    reason_not_completed = models.TextField(blank=True)
    #: Worked out when saved: completed within 72 hours (elapsed) of the return; None if not completed.
    within_72_hours = models.BooleanField(null=True, blank=True, editable=False)
    #: Register links made from what the interview learned (R34): their ids, for the record.
    links_made = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=InterviewOutcome.values), name="interview_outcome_known"),
            models.CheckConstraint(
                condition=~Q(outcome=InterviewOutcome.COMPLETED)
                | (Q(completed_at__isnull=False) & ~Q(interviewer_name="")),
                name="interview_completed_has_when_and_who",
            ),
            models.CheckConstraint(
                condition=Q(outcome=InterviewOutcome.COMPLETED) | Q(completed_at__isnull=True),
                name="interview_time_only_when_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"Return interview for {self.episode}"

    @property
    def audit_label(self) -> str:
        return f"Return interview of {self.episode.child.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.episode.child.panel.partnership_id

    def compute_within_72_hours(self) -> bool | None:
        if self.outcome != InterviewOutcome.COMPLETED or self.completed_at is None:
            return None
        returned = self.episode.returned_at
        if returned is None:
            return None
        return within_72_hours(returned, self.completed_at)


def within_72_hours(returned_at: datetime, completed_at: datetime) -> bool:
    """Elapsed time in UTC, so a clock change inside the window neither adds nor removes an hour."""
    return completed_at - returned_at <= RHI_WINDOW


# --- National Referral Mechanism -------------------------------------------------------------


class DecisionMaker(models.TextChoices):
    HOME_OFFICE = "home_office", "Home Office (Single Competent Authority)"
    DEVOLVED = "devolved", "Devolved child decision-making panel"


class Decision(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class DutyToNotify(models.TextChoices):
    BY_REFERRAL = "by_referral", "Met by this NRM referral"
    MS1 = "ms1", "Notified separately (MS1 form)"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class AdultConsent(models.TextChoices):
    NOT_YET = "not_yet", "Not asked yet"
    CONSENTED = "consented", "Consented to stay in the NRM after 18"
    DECLINED = "declined", "Did not consent"


EXPLOITATION_TYPES = [
    ("criminal", "Criminal exploitation"),
    ("sexual", "Sexual exploitation"),
    ("labour", "Labour exploitation"),
    ("domestic_servitude", "Domestic servitude"),
    ("other", "Other or not known"),
]


class NRMReferral(TrackedModel):
    """A referral of a child to the National Referral Mechanism. Children do not have to
    consent; a young person must consent to stay in the process once they turn 18."""

    past_dates = ("referred_on", "rg_decided_on", "cg_decided_on", "adult_consent_on")

    child = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="nrm_referrals")
    referred_on = models.DateField()
    first_responder_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    first_responder_name = models.CharField(max_length=150, blank=True)
    exploitation_types = models.JSONField(default=list, blank=True)
    decision_maker = models.CharField(max_length=15, choices=DecisionMaker.choices)
    #: When a reasonable-grounds decision is expected (from the panel's timeliness target at referral).
    decision_due_on = models.DateField()
    rg_decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    rg_decided_on = models.DateField(null=True, blank=True)
    cg_decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    cg_decided_on = models.DateField(null=True, blank=True)
    duty_to_notify = models.CharField(max_length=15, choices=DutyToNotify.choices, default=DutyToNotify.BY_REFERRAL)
    adult_consent = models.CharField(max_length=10, choices=AdultConsent.choices, default=AdultConsent.NOT_YET)
    adult_consent_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = "NRM referral"
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_maker__in=DecisionMaker.values), name="nrm_decision_maker_known"
            ),
            models.CheckConstraint(condition=Q(rg_decision__in=Decision.values), name="nrm_rg_known"),
            models.CheckConstraint(condition=Q(cg_decision__in=Decision.values), name="nrm_cg_known"),
            models.CheckConstraint(
                condition=Q(rg_decision=Decision.PENDING, rg_decided_on__isnull=True)
                | (~Q(rg_decision=Decision.PENDING) & Q(rg_decided_on__gte=F("referred_on"))),
                name="nrm_rg_dated_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(cg_decision=Decision.PENDING, cg_decided_on__isnull=True)
                | (Q(rg_decision=Decision.POSITIVE) & Q(cg_decided_on__gte=F("rg_decided_on"))),
                name="nrm_cg_after_positive_rg",
            ),
            models.CheckConstraint(condition=Q(decision_due_on__gte=F("referred_on")), name="nrm_due_after_referral"),
        ]

    def __str__(self) -> str:
        return f"NRM referral of {self.child}"

    @property
    def audit_label(self) -> str:
        return f"NRM referral of {self.child.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.child.panel.partnership_id

    @property
    def stage(self) -> str:
        if self.rg_decision == Decision.PENDING:
            return "Waiting for a reasonable-grounds decision"
        if self.rg_decision == Decision.NEGATIVE:
            return "Negative reasonable-grounds decision"
        if self.cg_decision == Decision.PENDING:
            return "Positive reasonable grounds; waiting for a conclusive-grounds decision"
        return f"{Decision(self.cg_decision).label} conclusive-grounds decision"

    @property
    def is_open(self) -> bool:
        return self.rg_decision == Decision.PENDING or (
            self.rg_decision == Decision.POSITIVE and self.cg_decision == Decision.PENDING
        )

    def exploitation_labels(self) -> list[str]:
        labels = dict(EXPLOITATION_TYPES)
        return [labels.get(t, t) for t in self.exploitation_types]

    def decision_days(self) -> int | None:
        return None if self.rg_decided_on is None else (self.rg_decided_on - self.referred_on).days

    def rg_late(self, today: date) -> bool:
        """The reasonable-grounds decision came (or is still waited for) after it was due."""
        return (self.rg_decided_on or today) > self.decision_due_on


# --- Disruption ------------------------------------------------------------------------------


class DisruptionCategory(models.TextChoices):
    LOCATION = "location", "Location-based"
    ONLINE = "online", "Online"
    PEER_GROUP = "peer_group", "Peer group"
    PERPETRATOR = "perpetrator", "Perpetrator-focused"
    COMMUNITY = "community", "Community engagement"


class Tactic(models.TextChoices):
    CAWN = "cawn", "Child abduction warning notice"
    SRO = "sro", "Sexual risk order"
    SHPO = "shpo", "Sexual harm prevention order"
    STRO = "stro", "Slavery and trafficking risk or prevention order"
    CLOSURE = "closure", "Closure order"
    CPN = "cpn", "Community protection notice"
    DISPERSAL = "dispersal", "Dispersal order"
    INJUNCTION = "injunction", "Injunction (for example a gang injunction)"
    WARRANT = "warrant", "Search warrant or arrest"
    LICENSING = "licensing", "Licensing review or visit"
    TRESPASS = "trespass", "Trespass notice"
    ONLINE_REPORT = "online_report", "Report to an online platform or takedown"
    PATROLS = "patrols", "Targeted patrols or outreach"
    GUARDIANS = "guardians", "Community guardians briefed (shops, transport, security)"
    OTHER = "other", "Other tactic"


class Disruption(TrackedModel):
    """One disruption activity against a location, group or person of concern."""

    past_dates = ("done_on",)

    target = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="disruptions")
    category = models.CharField(max_length=15, choices=DisruptionCategory.choices)
    tactic = models.CharField(max_length=15, choices=Tactic.choices)
    other_tactic = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField()
    description = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    #: Children this activity protects (children linked to the target when it was recorded).
    children = models.ManyToManyField("subjects.Subject", blank=True, related_name="protecting_disruptions")

    class Meta:
        ordering = ["-done_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=DisruptionCategory.values), name="disruption_category_known"
            ),
            models.CheckConstraint(condition=Q(tactic__in=Tactic.values), name="disruption_tactic_known"),
            models.CheckConstraint(
                condition=~Q(tactic=Tactic.OTHER) | ~Q(other_tactic=""), name="disruption_other_tactic_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tactic_label} — {self.target}"

    @property
    def tactic_label(self) -> str:
        if self.tactic == Tactic.OTHER and self.other_tactic:
            return self.other_tactic
        return str(Tactic(self.tactic).label)

    @property
    def audit_label(self) -> str:
        return f"Disruption against {self.target.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.target.panel.partnership_id


# --- Escalations -----------------------------------------------------------------------------


class EscalationRoute(models.TextChoices):
    TACTICAL = "tactical", "From the panel to the partnership's tactical group"
    STRATEGIC = "strategic", "From the panel to the partnership's strategic group"
    SPECIALIST_CRIME = "specialist_crime", "From the police BCU to Specialist Crime"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Waiting for a response"
    RESPONDED = "responded", "Responded to"
    CLOSED = "closed", "Closed"


class Escalation(TrackedModel):
    past_dates = ("escalated_on", "responded_on")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="escalations")
    route = models.CharField(max_length=20, choices=EscalationRoute.choices)
    escalated_on = models.DateField()
    escalated_to = models.CharField(max_length=200)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-escalated_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(route__in=EscalationRoute.values), name="escalation_route_known"),
            models.CheckConstraint(condition=Q(status__in=EscalationStatus.values), name="escalation_status_known"),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("escalated_on")),
                name="escalation_response_after_escalation",
            ),
            models.CheckConstraint(
                condition=Q(status=EscalationStatus.OPEN) | (Q(responded_on__isnull=False) & ~Q(response="")),
                name="escalation_response_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation about {self.subject}"

    @property
    def audit_label(self) -> str:
        return f"Escalation about {self.subject.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.subject.panel.partnership_id
