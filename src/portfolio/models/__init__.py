"""The portfolio's models, one module per concept: projects (with their sectors, participants,
milestones and status history), money, documents, and the state token of the totals."""

from portfolio.models.documents import (
    ACTIVITY_DOCUMENT_CATEGORY,
    DOCUMENT_CATEGORY_CODELIST,
    DocumentLink,
    validate_mime_type,
    validate_web_link,
)
from portfolio.models.money import Budget, PlannedAmount, PlannedDisbursement, Transaction, one_year_after
from portfolio.models.projects import (
    CooperationSector,
    Milestone,
    Participant,
    Project,
    ProjectCountry,
    ProjectSector,
    StatusChange,
)
from portfolio.models.state import PortfolioState

__all__ = [
    'ACTIVITY_DOCUMENT_CATEGORY',
    'DOCUMENT_CATEGORY_CODELIST',
    'Budget',
    'CooperationSector',
    'DocumentLink',
    'Milestone',
    'Participant',
    'ProjectCountry',
    'PlannedAmount',
    'PlannedDisbursement',
    'PortfolioState',
    'Project',
    'ProjectSector',
    'StatusChange',
    'Transaction',
    'one_year_after',
    'validate_mime_type',
    'validate_web_link',
]
