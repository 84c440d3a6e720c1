"""Demo library: real, openable files (PDFs rendered by WeasyPrint, spreadsheets by openpyxl),
with versions, adoptions across several partnerships, one item on an older version in some
partnerships, and items that duplicate each other (one byte for byte, one by title).

Kingston and Richmond (Joy's partnership) does not use the London agenda template yet, so
Joy can find and adopt it. Idempotent: items that exist already are left as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from macehub.core import uploads
from macehub.core.demo import DemoContext

from .models import Adoption, ItemVersion, Kind, LibraryItem, Licence, ProtocolArea, Tag
from .reference import load_protocol_areas

LONDON = ZoneInfo("Europe/London")

Section = dict[str, Any]


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def _pdf(title: str, owner: str, version: int, date: str, licence: str, sections: list[Section]) -> bytes:
    from macehub.core.pdf import render_pdf

    return render_pdf(
        "library/demo/document.html",
        {
            "title": title,
            "owner": owner,
            "version": version,
            "date": _when(date).strftime("%B %Y"),
            "licence": licence,
            "sections": sections,
        },
    )


def _xlsx(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 28
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Document content ---------------------------------------------------------------------

AGENDA_V1: list[Section] = [
    {
        "heading": "1. Welcome, introductions and apologies",
        "paragraphs": ["Chair. Confirm who is present for each agency and whether the meeting is quorate."],
    },
    {"heading": "2. Minutes and actions from the last meeting", "paragraphs": ["Coordinator. Overdue actions first."]},
    {
        "heading": "3. Children discussed",
        "paragraphs": ["New referrals accepted since the last meeting, then children due for review."],
    },
    {"heading": "4. Any other business", "paragraphs": ["Date of the next meeting."]},
]
AGENDA_V2: list[Section] = [
    {
        "heading": "1. Welcome, introductions and quoracy (5 minutes)",
        "paragraphs": [
            "Chair. Record attendance by agency. The meeting is quorate when police, children's social care and health are present."
        ],
    },
    {
        "heading": "2. Actions from the last meeting (10 minutes)",
        "paragraphs": ["Coordinator. Overdue actions first, with the agency that owns each."],
    },
    {
        "heading": "3. Victims (40 minutes)",
        "paragraphs": ["New referrals, then children due for review. For each: risk, plan, what has changed."],
    },
    {
        "heading": "4. Offenders — persons of concern (15 minutes)",
        "paragraphs": ["Restricted item: only the agencies the panel has agreed may attend."],
    },
    {"heading": "5. Locations (15 minutes)", "paragraphs": ["Places of concern and disruption activity."]},
    {"heading": "6. Themes (10 minutes)", "paragraphs": ["Emerging patterns across the borough and beyond it."]},
    {
        "heading": "7. Partner contributions not yet received (5 minutes)",
        "paragraphs": ["Coordinator. Which agencies have not contributed, and agreed next steps."],
    },
    {"heading": "8. Any other business and date of the next meeting", "paragraphs": []},
]
TERMS_OF_REFERENCE: list[Section] = [
    {
        "heading": "Purpose",
        "paragraphs": [
            "The MACE panel is the multi-agency meeting where partners share information and agree how to protect children at risk of exploitation, disrupt the people and places that exploit them, and understand themes across the area."
        ],
    },
    {
        "heading": "Membership",
        "items": [
            "Chair: a senior manager from police or children's social care (co-chairs rotate)",
            "Police, children's social care, health: statutory partners, required for the meeting to be quorate",
            "Education, youth justice, probation, community safety, housing and voluntary sector partners",
        ],
    },
    {
        "heading": "How the panel works",
        "items": [
            "Meets every four weeks; agendas follow VOLT (victims, offenders, locations, themes)",
            "Partners contribute what they know before the meeting",
            "Actions have an owner agency and a due date, and are reviewed at the next meeting",
        ],
    },
    {
        "heading": "Information sharing",
        "paragraphs": [
            "Information is shared under the partnership's information-sharing agreement and only with people who need it to protect a child."
        ],
    },
]
REFERRAL_FORM: list[Section] = [
    {
        "heading": "About this form",
        "paragraphs": [
            "Use this form to refer a child at risk of exploitation, a person of concern, a location or a theme to the MACE panel. Talk to your safeguarding lead first. If a child is in immediate danger, call 999."
        ],
    },
    {
        "heading": "What you are referring",
        "header": ["Question", "Your answer"],
        "rows": [
            ["Is this about a child, a person of concern, a location or a theme?", ""],
            ["Your name, agency and contact details", ""],
            ["What are you worried about?", ""],
            ["What has already been done, and by whom?", ""],
            ["Does the child or family know about this referral?", ""],
        ],
    },
    {
        "heading": "What happens next",
        "paragraphs": [
            "The MACE coordinator will acknowledge the referral within two working days and tell you whether it will be discussed at the next panel."
        ],
    },
]
MINUTES: list[Section] = [
    {
        "heading": "Meeting details",
        "header": ["", ""],
        "rows": [["Date", ""], ["Chair", ""], ["Quorate", "Yes / No"]],
    },
    {
        "heading": "Attendance",
        "header": ["Agency", "Name", "Present"],
        "rows": [["Police", "", ""], ["Children's social care", "", ""], ["Health", "", ""]],
    },
    {
        "heading": "Discussion and decisions",
        "paragraphs": ["For each item: a summary of what partners shared, the decision and the actions agreed."],
    },
    {
        "heading": "Actions",
        "header": ["Action", "Owner agency", "Due"],
        "rows": [["", "", ""]],
    },
]
CHILD_FIRST: list[Section] = [
    {
        "heading": "Why language matters",
        "paragraphs": [
            "Children who are exploited are victims. The words we write in referrals, minutes and plans shape how other professionals see a child, and the child may read them one day."
        ],
    },
    {
        "heading": "Say this, not that",
        "header": ["Instead of", "Say"],
        "rows": [
            ["CSE child", "a child at risk of sexual exploitation"],
            ["putting themselves at risk", "is being exploited / is at risk of harm from others"],
            ["in a relationship with an older man", "is being groomed by an adult"],
            ["drug runner", "a child who is being criminally exploited"],
            ["refused to engage", "we have not yet found a way to work with them that feels safe"],
            ["went missing again", "was reported missing; we do not yet know where they were or who they were with"],
        ],
    },
    {
        "heading": "In minutes and plans",
        "items": [
            "Describe what adults did to the child, not what the child 'chose'",
            "Record the child's own words where you can",
            "Name the exploitation, the harm and who is responsible for it",
        ],
    },
]


def _action_log() -> bytes:
    return _xlsx(
        [
            (
                "Action log",
                ["Ref", "Meeting", "Action", "Owner agency", "Due", "Status", "Update"],
                [
                    [
                        "A-001",
                        "2025-01-14",
                        "Share the updated referral pathway with all secondary schools",
                        "Education",
                        "2025-02-11",
                        "Done",
                        "Sent to DSLs",
                    ],
                    [
                        "A-002",
                        "2025-01-14",
                        "Review lighting and CCTV at the location discussed",
                        "Community safety",
                        "2025-03-11",
                        "In progress",
                        "",
                    ],
                    [
                        "A-003",
                        "2025-02-11",
                        "Arrange a theme discussion on online harm",
                        "Police",
                        "2025-04-08",
                        "Not started",
                        "",
                    ],
                ],
            ),
            (
                "How to use",
                ["Column", "What to enter"],
                [
                    ["Ref", "A short reference; never a child's name"],
                    ["Owner agency", "The agency responsible, not a person"],
                    ["Status", "Not started, In progress, Done or Cancelled"],
                ],
            ),
        ]
    )


def _screening_tool(version: int) -> bytes:
    indicators = [
        ["Missing episodes", "Reported missing or absent from home or care", "Yes / No / Not known"],
        ["Unexplained items", "New phones, clothes, money or gifts", "Yes / No / Not known"],
        ["Associates", "Older associates or new peer groups", "Yes / No / Not known"],
        ["Education", "Sudden drop in attendance or exclusion", "Yes / No / Not known"],
        ["Travel", "Found out of area or travelling without explanation", "Yes / No / Not known"],
    ]
    if version >= 2:
        indicators.append(["Online", "Contact from unknown adults online", "Yes / No / Not known"])
    return _xlsx(
        [
            ("Indicators", ["Area", "Indicator", "Present?"], indicators),
            (
                "Next steps",
                ["If", "Then"],
                [
                    ["Any indicator is present", "Discuss with your safeguarding lead today"],
                    ["A child may be in immediate danger", "Call 999"],
                ],
            ),
        ]
    )


def _croydon_screening() -> bytes:
    return _xlsx(
        [
            (
                "Screening",
                ["Question", "Answer"],
                [
                    ["Has the child been missing in the last three months?", ""],
                    ["Has the child got money or items that cannot be explained?", ""],
                    ["Is the child associating with older people of concern?", ""],
                    ["Has the child's school attendance dropped?", ""],
                ],
            )
        ]
    )


# --- Items --------------------------------------------------------------------------------


@dataclass
class DemoVersion:
    filename: str
    content: Any  # bytes, or a callable returning bytes
    change_note: str
    when: str
    by: str | None = None


@dataclass
class DemoItem:
    key: str
    title: str
    kind: str
    owner: str | None  # a partnership key, or None for London-wide
    summary: str
    licence: str
    tags: list[str]
    areas: list[str]
    versions: list[DemoVersion]
    clauses: str = ""
    #: partnership key → version number in use (and when it was adopted)
    adopted: dict[str, tuple[int, str]] = field(default_factory=dict)


def _items() -> list[DemoItem]:
    london_tor = _pdf(
        "MACE terms of reference", "London-wide", 1, "2023-10-02", "Open Government Licence v3.0", TERMS_OF_REFERENCE
    )
    return [
        DemoItem(
            key="agenda",
            title="London MACE meeting agenda template",
            kind=Kind.AGENDA,
            owner=None,
            summary="A VOLT agenda for MACE panels: victims, offenders, locations and themes, with time boxes and a standing item for partner contributions. Agreed by the MACE Chairs Reference Group after the 2022 peer review.",
            licence=Licence.OGL,
            tags=["VOLT", "agenda", "chairing"],
            areas=["agenda", "volt", "chairing", "attendance"],
            clauses="Meeting structure; VOLT",
            versions=[
                DemoVersion(
                    "London MACE agenda template v1.pdf",
                    lambda: _pdf(
                        "London MACE meeting agenda template",
                        "London-wide",
                        1,
                        "2023-09-18",
                        "Open Government Licence v3.0",
                        AGENDA_V1,
                    ),
                    "First version, agreed by the MACE Chairs Reference Group.",
                    "2023-09-18",
                    "lena",
                ),
                DemoVersion(
                    "London MACE agenda template v2.pdf",
                    lambda: _pdf(
                        "London MACE meeting agenda template",
                        "London-wide",
                        2,
                        "2025-02-03",
                        "Open Government Licence v3.0",
                        AGENDA_V2,
                    ),
                    "The agenda now follows VOLT, with time boxes, a restricted item for persons of concern and a standing item for partner contributions not yet received.",
                    "2025-02-03",
                    "lena",
                ),
            ],
            adopted={
                "lambeth": (2, "2025-02-20"),
                "croydon": (2, "2025-03-05"),
                "ealing": (2, "2025-04-01"),
                "city-hackney": (1, "2023-11-07"),
                "haringey": (1, "2024-01-15"),
            },
        ),
        DemoItem(
            key="tor",
            title="MACE terms of reference",
            kind=Kind.TERMS_OF_REFERENCE,
            owner=None,
            summary="Model terms of reference for a MACE panel: purpose, membership, quoracy, how the panel works and information sharing. Adapt the membership to your partnership.",
            licence=Licence.OGL,
            tags=["governance", "quoracy"],
            areas=["governance", "attendance", "contributions"],
            versions=[DemoVersion("MACE terms of reference.pdf", london_tor, "First version.", "2023-10-02", "lena")],
            adopted={
                "lambeth": (1, "2023-11-01"),
                "southwark": (1, "2024-02-12"),
                "kingston-richmond": (1, "2024-05-20"),
            },
        ),
        DemoItem(
            key="ealing-tor",
            title="Terms of reference for the Ealing MACE panel",
            kind=Kind.TERMS_OF_REFERENCE,
            owner="ealing",
            summary="Ealing's terms of reference for its MACE panel.",
            licence=Licence.ASK_OWNER,
            tags=["governance"],
            areas=["governance"],
            # The very same file as the London terms of reference, shared again.
            versions=[
                DemoVersion("Ealing MACE ToR.pdf", london_tor, "As agreed by the Ealing partnership.", "2024-03-11")
            ],
            adopted={"ealing": (1, "2024-03-11")},
        ),
        DemoItem(
            key="referral",
            title="Lambeth MAVE referral form",
            kind=Kind.REFERRAL_FORM,
            owner="lambeth",
            summary="The form professionals use to refer a child, a person of concern, a location or a theme to Lambeth MAVE, with guidance on what happens next.",
            licence=Licence.LONDON_MACE,
            tags=["referral", "VOLT"],
            areas=["referral", "volt"],
            versions=[
                DemoVersion(
                    "Lambeth MAVE referral form.pdf",
                    lambda: _pdf(
                        "Lambeth MAVE referral form",
                        "Lambeth",
                        1,
                        "2024-06-03",
                        "Free to use and adapt within London MACE arrangements",
                        REFERRAL_FORM,
                    ),
                    "First version.",
                    "2024-06-03",
                    "sam",
                )
            ],
            adopted={"lambeth": (1, "2024-06-03"), "southwark": (1, "2024-09-16")},
        ),
        DemoItem(
            key="action-log",
            title="Multi-agency action log",
            kind=Kind.ACTION_LOG,
            owner="city-hackney",
            summary="A spreadsheet for the panel's actions: owner agency, due date, status and updates. Actions are owned by agencies, never by a named child.",
            licence=Licence.CC_BY,
            tags=["actions", "spreadsheet"],
            areas=["actions", "oversight"],
            versions=[DemoVersion("MACE action log.xlsx", _action_log, "First version.", "2024-04-22", "nia")],
            adopted={"city-hackney": (1, "2024-04-22"), "kingston-richmond": (1, "2024-07-08")},
        ),
        DemoItem(
            key="screening",
            title="Exploitation screening tool",
            kind=Kind.SCREENING_TOOL,
            owner="city-hackney",
            summary="Indicators of exploitation for practitioners to check before making a referral, with what to do next.",
            licence=Licence.CC_BY,
            tags=["screening", "indicators"],
            areas=["referral"],
            versions=[
                DemoVersion(
                    "Exploitation screening tool.xlsx",
                    lambda: _screening_tool(1),
                    "First version.",
                    "2024-02-05",
                    "nia",
                ),
                DemoVersion(
                    "Exploitation screening tool v2.xlsx",
                    lambda: _screening_tool(2),
                    "Added an indicator for contact from unknown adults online.",
                    "2025-01-13",
                    "nia",
                ),
            ],
            adopted={"city-hackney": (2, "2025-01-13"), "haringey": (1, "2024-05-02")},
        ),
        DemoItem(
            key="croydon-screening",
            title="Child exploitation screening tool",
            kind=Kind.SCREENING_TOOL,
            owner="croydon",
            summary="Croydon's screening questions for practitioners worried that a child is being exploited.",
            licence=Licence.ASK_OWNER,
            tags=["screening"],
            areas=["referral"],
            versions=[
                DemoVersion("Croydon CE screening.xlsx", _croydon_screening, "First version.", "2024-08-19"),
            ],
            adopted={"croydon": (1, "2024-08-19")},
        ),
        DemoItem(
            key="child-first",
            title="Child-first language: a practice guide",
            kind=Kind.PRACTICE_GUIDE,
            owner=None,
            summary="How to write about children at risk of exploitation in referrals, minutes and plans: they are victims, never ‘complicit’. With a table of phrases to avoid and what to say instead.",
            licence=Licence.OGL,
            tags=["language", "practice", "child first"],
            areas=["practice"],
            versions=[
                DemoVersion(
                    "Child-first language practice guide.pdf",
                    lambda: _pdf(
                        "Child-first language: a practice guide",
                        "London-wide",
                        1,
                        "2024-03-04",
                        "Open Government Licence v3.0",
                        CHILD_FIRST,
                    ),
                    "First version.",
                    "2024-03-04",
                    "lena",
                )
            ],
            adopted={
                "lambeth": (1, "2024-03-20"),
                "croydon": (1, "2024-04-02"),
                "ealing": (1, "2024-04-09"),
                "haringey": (1, "2024-05-14"),
                "southwark": (1, "2024-06-11"),
                "kingston-richmond": (1, "2024-06-24"),
            },
        ),
        DemoItem(
            key="minutes",
            title="MACE minutes template",
            kind=Kind.MINUTES,
            owner="southwark",
            summary="Minutes in the order of the VOLT agenda: attendance and quoracy, decisions and actions for each item.",
            licence=Licence.LONDON_MACE,
            tags=["minutes"],
            areas=["agenda", "actions"],
            versions=[
                DemoVersion(
                    "Southwark MACE minutes template.pdf",
                    lambda: _pdf(
                        "MACE minutes template",
                        "Southwark",
                        1,
                        "2024-10-07",
                        "Free to use and adapt within London MACE arrangements",
                        MINUTES,
                    ),
                    "First version.",
                    "2024-10-07",
                )
            ],
            adopted={"southwark": (1, "2024-10-07")},
        ),
    ]


def _find(ctx: DemoContext, key: str) -> Any:
    try:
        return ctx.get(key)
    except KeyError:
        return None


def seed(ctx: DemoContext) -> None:
    load_protocol_areas(ProtocolArea)
    areas = {a.code: a for a in ProtocolArea.objects.all()}
    created = 0
    for spec in _items():
        owner = ctx.get(f"partnership:{spec.owner}") if spec.owner else None
        existing = LibraryItem.objects.filter(Q(title=spec.title), Q(owner=owner) if owner else Q(owner__isnull=True))
        if existing.exists():
            ctx.put(f"library:{spec.key}", existing.first())
            continue
        first_by = _find(ctx, f"user:{spec.versions[0].by}") if spec.versions[0].by else None
        item = LibraryItem.objects.create(
            title=spec.title,
            summary=spec.summary,
            kind=spec.kind,
            owner=owner,
            licence=spec.licence,
            protocol_clauses=spec.clauses,
            created_by=first_by,
            updated_by=first_by,
        )
        item.tags.set([Tag.objects.get_or_create(key=t.lower(), defaults={"name": t})[0] for t in spec.tags])
        item.protocol_areas.set([areas[code] for code in spec.areas])
        versions: dict[int, ItemVersion] = {}
        for number, v in enumerate(spec.versions, start=1):
            content = v.content() if callable(v.content) else v.content
            by = _find(ctx, f"user:{v.by}") if v.by else None
            stored = uploads.store(
                SimpleUploadedFile(v.filename, content), actor=by, partnership_id=owner.pk if owner else None
            )
            versions[number] = ItemVersion.objects.create(
                item=item,
                number=number,
                file=stored,
                change_note=v.change_note,
                created_at=_when(v.when),
                created_by=by,
            )
        latest = versions[len(spec.versions)]
        LibraryItem.objects.filter(pk=item.pk).update(
            current_version=latest,
            created_at=_when(spec.versions[0].when),
            updated_at=_when(spec.versions[-1].when),
            version=len(spec.versions),
        )
        for partnership_key, (number, when) in spec.adopted.items():
            Adoption.objects.create(
                item=item,
                partnership=ctx.get(f"partnership:{partnership_key}"),
                version=versions[number],
                adopted_at=_when(when),
            )
        ctx.put(f"library:{spec.key}", item)
        created += 1
    ctx.log.append(
        f"Library: {LibraryItem.objects.count()} items ({created} new), "
        f"{Adoption.objects.filter(ended_at__isnull=True).count()} adoptions"
    )
