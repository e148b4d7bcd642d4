"""Trainers' reports from the audit log: training gaps, funnels, outcomes, small counts withheld.

No officer can be singled out: see :mod:`bot.reports._suppress`.

The public front door; implementation lives in the private modules. The core is pure: it
takes an iterable of audit event dicts (``Store.audit_events()``), so the log's storage can
change underneath it.
"""

from bot.reports._build import THRESHOLD, build_ledger, build_report
from bot.reports._catalogue import Catalogue, build_catalogue
from bot.reports._html import render_html, render_self_assessment_html
from bot.reports._model import Count, Rate, Report, Seconds, Section, Share, Table
from bot.reports._outcomes import Evidence, Outcome, default_outcomes, read_outcomes
from bot.reports._period import Period, PeriodError, parse_period
from bot.reports._render import (
    render_csv,
    render_json,
    render_self_assessment,
    render_self_assessment_csv,
    render_text,
    report_json,
)
from bot.reports._sql import purged_in, tally_store
from bot.reports._suppress import PROTECTION, Relation, Suppression, protect
from bot.reports._tally import QUESTION_FIELD, Counts, tally
from bot.reports._telegram import (
    TelegramReport,
    last_complete_month,
    telegram_report,
    trainers_headline,
)

__all__ = [
    "PROTECTION",
    "QUESTION_FIELD",
    "THRESHOLD",
    "Catalogue",
    "Count",
    "Counts",
    "Evidence",
    "Outcome",
    "Period",
    "PeriodError",
    "Rate",
    "Relation",
    "Report",
    "Seconds",
    "Section",
    "Share",
    "Suppression",
    "Table",
    "TelegramReport",
    "build_catalogue",
    "build_ledger",
    "build_report",
    "default_outcomes",
    "last_complete_month",
    "parse_period",
    "protect",
    "purged_in",
    "read_outcomes",
    "render_csv",
    "render_html",
    "render_json",
    "render_self_assessment",
    "render_self_assessment_csv",
    "render_self_assessment_html",
    "render_text",
    "report_json",
    "tally",
    "tally_store",
    "telegram_report",
    "trainers_headline",
]
