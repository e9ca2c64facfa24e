"""Statuses, stages, roles, visibility, budget and document codes of the portfolio, and the lifecycle table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PROPOSAL = 'proposal', _('Proposal')
    NEGOTIATION = 'negotiation', _('Negotiation')
    AGREEMENT_SIGNED = 'agreement_signed', _('Agreement signed')
    FINANCING_CLOSED = 'financing_closed', _('Financing closed')
    IMPLEMENTATION = 'implementation', _('Implementation')
    COMPLETED = 'completed', _('Completed / operational')
    SUSPENDED = 'suspended', _('Suspended')
    CANCELLED = 'cancelled', _('Cancelled')


# The normal path; a move to the next step needs no reason, any other move does.
LIFECYCLE = (
    ProjectStatus.PROPOSAL,
    ProjectStatus.NEGOTIATION,
    ProjectStatus.AGREEMENT_SIGNED,
    ProjectStatus.FINANCING_CLOSED,
    ProjectStatus.IMPLEMENTATION,
    ProjectStatus.COMPLETED,
)


class Stage(models.TextChoices):
    """The stage a status is counted in by the portfolio aggregates."""

    PIPELINE = 'pipeline', _('Pipeline')
    COMMITTED = 'committed', _('Committed')
    IMPLEMENTATION = 'implementation', _('In implementation')
    COMPLETED = 'completed', _('Completed')
    SUSPENDED = 'suspended', _('Suspended')
    CANCELLED = 'cancelled', _('Cancelled')


class Counting(models.TextChoices):
    """How a project enters the portfolio's totals (docs/portfolio-aggregation.md). Only HEADLINE
    is in the registered total ("recommended for aggregates", AidData's term); the others are
    shown beside it with their amounts, never inside it."""

    HEADLINE = 'headline', _('Counted in the registered total')
    PIPELINE = 'pipeline', _('Pipeline (pledged or proposed, not in the registered total)')
    FRAMEWORK = 'framework', _('Umbrella agreement whose parts are recorded (its parts are counted)')
    SUSPENDED = 'suspended', _('Suspended (not counted)')
    CANCELLED = 'cancelled', _('Cancelled (not counted)')


STAGE_OF_STATUS = {
    ProjectStatus.PROPOSAL: Stage.PIPELINE,
    ProjectStatus.NEGOTIATION: Stage.PIPELINE,
    ProjectStatus.AGREEMENT_SIGNED: Stage.COMMITTED,
    ProjectStatus.FINANCING_CLOSED: Stage.COMMITTED,
    ProjectStatus.IMPLEMENTATION: Stage.IMPLEMENTATION,
    ProjectStatus.COMPLETED: Stage.COMPLETED,
    ProjectStatus.SUSPENDED: Stage.SUSPENDED,
    ProjectStatus.CANCELLED: Stage.CANCELLED,
}


class Visibility(models.TextChoices):
    PUBLIC = 'public', _('Public')
    PARTNERS = 'partners', _('Partners (signed-in users of both sides)')
    UZBEKISTAN = 'side_uz', _('Uzbek side only')
    CHINA = 'side_cn', _('Chinese side only')
    RESTRICTED = 'restricted', _('Restricted (secretariat)')


# The levels a part of an umbrella agreement may have, by the umbrella's level: those every reader
# of the umbrella sees (querysets.visible_levels), so that an umbrella whose parts are recorded
# stops counting for every one of its readers at once and no reader's total loses it.
PART_LEVELS = {
    Visibility.PUBLIC: {Visibility.PUBLIC},
    Visibility.PARTNERS: {Visibility.PUBLIC, Visibility.PARTNERS},
    Visibility.UZBEKISTAN: {Visibility.PUBLIC, Visibility.PARTNERS, Visibility.UZBEKISTAN},
    Visibility.CHINA: {Visibility.PUBLIC, Visibility.PARTNERS, Visibility.CHINA},
    Visibility.RESTRICTED: {Visibility.PUBLIC, Visibility.RESTRICTED},
}


class ParticipantRole(models.TextChoices):
    """IATI OrganisationRole codes."""

    FUNDING = '1', _('Funding')
    ACCOUNTABLE = '2', _('Accountable')
    EXTENDING = '3', _('Extending')
    IMPLEMENTING = '4', _('Implementing')


class TransactionType(models.TextChoices):
    """IATI TransactionType codes."""

    INCOMING_FUNDS = '1', _('Incoming funds')
    OUTGOING_COMMITMENT = '2', _('Outgoing commitment')
    DISBURSEMENT = '3', _('Disbursement')
    EXPENDITURE = '4', _('Expenditure')
    INTEREST_PAYMENT = '5', _('Interest payment')
    LOAN_REPAYMENT = '6', _('Loan repayment')
    REIMBURSEMENT = '7', _('Reimbursement')
    PURCHASE_OF_EQUITY = '8', _('Purchase of equity')
    SALE_OF_EQUITY = '9', _('Sale of equity')
    CREDIT_GUARANTEE = '10', _('Credit guarantee')
    INCOMING_COMMITMENT = '11', _('Incoming commitment')
    OUTGOING_PLEDGE = '12', _('Outgoing pledge')
    INCOMING_PLEDGE = '13', _('Incoming pledge')


COMMITMENT_TYPES = (TransactionType.OUTGOING_COMMITMENT, TransactionType.INCOMING_COMMITMENT)
PLEDGE_TYPES = (TransactionType.OUTGOING_PLEDGE, TransactionType.INCOMING_PLEDGE)
# Amounts that revise one another: a pledge becomes a commitment of the same direction.
REVISION_FAMILIES = (
    {TransactionType.OUTGOING_PLEDGE, TransactionType.OUTGOING_COMMITMENT},
    {TransactionType.INCOMING_PLEDGE, TransactionType.INCOMING_COMMITMENT},
)


class FinanceType(models.TextChoices):
    """Broad IATI finance types used by the cooperation (the full list is the FinanceType codelist)."""

    GRANT = '110', _('Grant')
    LOAN = '421', _('Loan')
    EQUITY = '510', _('Equity')
    PREFERRED_EQUITY = '432', _('Preferred equity')
    GUARANTEE = '1100', _('Guarantee')


class FlowClass(models.TextChoices):
    """What kind of money an amount is, in AidData's classes of official finance (which follow
    the OECD's flow types) and IATI's FlowType codelist; blank when the source does not say."""

    ODA = 'oda', _('Official development assistance (ODA-like)')
    OOF = 'oof', _('Other official flows (OOF-like)')
    VAGUE = 'vague', _('Vague official finance (ODA or OOF not decidable)')
    EXPORT_CREDIT = 'export_credit', _('Officially supported export credit')
    PRIVATE = 'private', _('FDI and private finance')


# IATI 2.03 FlowType codes → flow class (IATI has no code for AidData's "vague" class)
FLOW_CLASS_OF_IATI_FLOW_TYPE = {
    '10': FlowClass.ODA,
    '20': FlowClass.OOF,
    '21': FlowClass.OOF,  # non-export credit OOF
    '22': FlowClass.EXPORT_CREDIT,
    '30': FlowClass.PRIVATE,  # private development finance
    '35': FlowClass.PRIVATE,  # private market
    '36': FlowClass.PRIVATE,  # private foreign direct investment
    '37': FlowClass.PRIVATE,  # other private flows at market terms
}


class ValueBasis(models.TextChoices):
    """Which transactions a project's value in the aggregates comes from."""

    COMMITMENTS = 'commitments', _('Commitments')
    PLEDGES = 'pledges', _('Pledges')
    NONE = 'none', _('No amount recorded')


class Region(models.TextChoices):
    """Regions of Uzbekistan (ISO 3166-2:UZ)."""

    ANDIJAN = 'UZ-AN', _('Andijan')
    BUKHARA = 'UZ-BU', _('Bukhara')
    FERGANA = 'UZ-FA', _('Fergana')
    JIZZAKH = 'UZ-JI', _('Jizzakh')
    KARAKALPAKSTAN = 'UZ-QR', _('Karakalpakstan')
    KASHKADARYA = 'UZ-QA', _('Kashkadarya')
    KHOREZM = 'UZ-XO', _('Khorezm')
    NAMANGAN = 'UZ-NG', _('Namangan')
    NAVOIY = 'UZ-NW', _('Navoiy')
    SAMARKAND = 'UZ-SA', _('Samarkand')
    SIRDARYO = 'UZ-SI', _('Sirdaryo')
    SURKHANDARYA = 'UZ-SU', _('Surkhandarya')
    TASHKENT_REGION = 'UZ-TO', _('Tashkent region')
    TASHKENT_CITY = 'UZ-TK', _('Tashkent city')
    NATIONWIDE = 'UZ', _('Nationwide / several regions')


class BudgetType(models.TextChoices):
    """IATI BudgetType codes (also the type of a planned disbursement)."""

    ORIGINAL = '1', _('Original')
    REVISED = '2', _('Revised')


class BudgetStatus(models.TextChoices):
    """IATI BudgetStatus codes."""

    INDICATIVE = '1', _('Indicative')
    COMMITTED = '2', _('Committed')


class DocumentLanguage(models.TextChoices):
    """ISO 639-1 codes of the languages the cooperation's documents are written in."""

    ENGLISH = 'en', _('English')
    RUSSIAN = 'ru', _('Russian')
    CHINESE = 'zh', _('Chinese')
    UZBEK = 'uz', _('Uzbek')
