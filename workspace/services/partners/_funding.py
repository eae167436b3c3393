"""District PD-credit agreements and funders' grants, and the network's partnerships at a glance.

Leaders (MANAGE) record both. A district's agreement says which activities count as
professional development, up to how many hours, and whom to ask; the lesson-study hours
export names it. A funder's grant has an amount, a period, a purpose and the dates its reports
are due; leaders see the next due dates on the network's home. Money figures are given to
leaders only: for anyone else the amount is left out here, not just hidden on a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ...access import Access
from ...models import (
    Grant,
    GrantReport,
    Network,
    Partner,
    PartnerKind,
    PartnerStatus,
    PdAgreement,
)
from ..context import Ctx
from ._common import PartnerError, need, text

MAX_REPORTS = 24
MAX_CENTS = 10**14


def add_agreement(
    ctx: Ctx,
    partner: Partner,
    access: Access,
    activities: str,
    hours_cap: int | None,
    contact: str,
) -> PdAgreement:
    """Return the new PD-credit agreement of a district (leaders)."""
    need(access, Access.MANAGE, "Only the network's leaders record PD-credit agreements.")
    if partner.kind != PartnerKind.DISTRICT.value:
        raise PartnerError("PD-credit agreements are made with school districts.")
    if hours_cap is not None and not 1 <= hours_cap <= 1000:
        raise PartnerError("Give the hours cap in hours, 1 to 1,000.", field="hours_cap")
    agreement = PdAgreement(
        partner_id=partner.id,
        activities=text(
            activities, "activities", 500, required="Say which activities count for credit."
        ),
        hours_cap=hours_cap,
        contact=text(contact, "contact", 200),
    )
    ctx.session.add(agreement)
    ctx.session.flush()
    return agreement


def parse_amount(value: str) -> int:
    """Return an amount of money in cents from "25,000", "$1,200.50" or "900"."""
    cleaned = re.sub(r"[\s$,]", "", value or "")
    match = re.fullmatch(r"(\d{1,12})(?:\.(\d{1,2}))?", cleaned)
    if match is None:
        raise PartnerError("Give the amount as a number, such as 25,000.", field="amount")
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise PartnerError("That amount is too large.", field="amount")
    return cents


def add_grant(
    ctx: Ctx,
    partner: Partner,
    access: Access,
    purpose: str,
    amount: str,
    starts_on: date,
    ends_on: date,
    reports: list[date],
) -> Grant:
    """Return the new grant of a funder with its report due dates (leaders)."""
    need(access, Access.MANAGE, "Only the network's leaders record grants.")
    if partner.kind != PartnerKind.FUNDER.value:
        raise PartnerError("Grants come from funders: make the organization a funder first.")
    if ends_on < starts_on:
        raise PartnerError("The grant must end after it starts.", field="ends_on")
    if len(reports) > MAX_REPORTS:
        raise PartnerError(f"List at most {MAX_REPORTS} report dates.", field="reports")
    grant = Grant(
        partner_id=partner.id,
        purpose=text(purpose, "purpose", 500, required="Say what the grant is for."),
        amount_cents=parse_amount(amount),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    grant.reports = [GrantReport(due_on=day) for day in sorted(set(reports))]
    ctx.session.add(grant)
    ctx.session.flush()
    return grant


def money(cents: int) -> str:
    """Return an amount for people: "$25,000" or "$1,200.50"."""
    whole, part = divmod(cents, 100)
    return f"${whole:,}" + (f".{part:02d}" if part else "")


@dataclass(frozen=True)
class ReportDue:
    """A grant report coming up: when, for which grant of which funder."""

    due_on: date
    grant: Grant
    partner: Partner


def upcoming_reports(
    ctx: Ctx, network: Network, today: date, days: int = 120, limit: int = 5
) -> list[ReportDue]:
    """Return the grant reports due from `today` to `days` later, soonest first."""
    rows = ctx.session.execute(
        select(GrantReport, Grant, Partner)
        .join(Grant, Grant.id == GrantReport.grant_id)
        .join(Partner, Partner.id == Grant.partner_id)
        .where(
            Partner.network_id == network.id,
            GrantReport.due_on >= today,
            GrantReport.due_on <= today + timedelta(days=days),
        )
        .order_by(GrantReport.due_on, GrantReport.id)
        .limit(limit)
    )
    return [ReportDue(report.due_on, grant, partner) for report, grant, partner in rows]


@dataclass(frozen=True)
class GrantView:
    """A grant as one person may see it: `amount` is None for anyone but the leaders."""

    grant: Grant
    partner: Partner
    amount: str | None


@dataclass(frozen=True)
class Partnerships:
    """A network's partnerships at a glance."""

    by_kind: dict[str, list[Partner]]
    agreements: list[PdAgreement]
    grants: list[GrantView]
    total: str | None  # the grants' total, for leaders


def partnerships(ctx: Ctx, network: Network, access: Access) -> Partnerships:
    """Return the network's approved organizations by kind, its agreements and its grants."""
    partners = list(
        ctx.session.scalars(
            select(Partner)
            .where(
                Partner.network_id == network.id,
                Partner.status == PartnerStatus.APPROVED.value,
            )
            .order_by(Partner.name)
        )
    )
    by_kind: dict[str, list[Partner]] = {}
    for partner in partners:
        by_kind.setdefault(partner.kind_label, []).append(partner)
    ids = [p.id for p in partners]
    agreements = list(
        ctx.session.scalars(
            select(PdAgreement).where(PdAgreement.partner_id.in_(ids)).order_by(PdAgreement.id)
        )
    )
    grants = list(
        ctx.session.scalars(
            select(Grant).where(Grant.partner_id.in_(ids)).order_by(Grant.starts_on.desc())
        )
    )
    leader = bool(access & Access.MANAGE)
    return Partnerships(
        by_kind=by_kind,
        agreements=agreements,
        grants=[GrantView(g, g.partner, money(g.amount_cents) if leader else None) for g in grants],
        total=money(sum(g.amount_cents for g in grants)) if leader else None,
    )


def agreements_in(ctx: Ctx, network_ids: list[int]) -> list[PdAgreement]:
    """Return the PD-credit agreements of the districts partnering with these networks."""
    return list(
        ctx.session.scalars(
            select(PdAgreement)
            .join(Partner, Partner.id == PdAgreement.partner_id)
            .where(
                Partner.network_id.in_(network_ids),
                Partner.status == PartnerStatus.APPROVED.value,
            )
            .order_by(Partner.name, PdAgreement.id)
        )
    )


def partner_funding(
    ctx: Ctx, partner: Partner, access: Access
) -> tuple[list[PdAgreement], list[GrantView]]:
    """Return one organization's PD-credit agreements and grants (amounts for leaders)."""
    agreements = list(
        ctx.session.scalars(
            select(PdAgreement).where(PdAgreement.partner_id == partner.id).order_by(PdAgreement.id)
        )
    )
    grants = ctx.session.scalars(
        select(Grant).where(Grant.partner_id == partner.id).order_by(Grant.starts_on.desc())
    )
    leader = bool(access & Access.MANAGE)
    return agreements, [
        GrantView(g, partner, money(g.amount_cents) if leader else None) for g in grants
    ]
