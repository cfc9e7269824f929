"""The 台账 view's column keys, as plain strings.

`bzf ledger --help` lists them; keeping them here (no imports) keeps report code out of start-up.
``reports/ledger_view.py`` defines the columns themselves and refuses to load if the two drift apart.
"""

from __future__ import annotations

COLUMN_KEYS: tuple[str, ...] = (
    "seq",
    "id",
    "name",
    "district",
    "address",
    "supply_type",
    "supply_type_label",
    "tags",
    "owner",
    "operator",
    "units",
    "unit_kind",
    "small_units",
    "floor_area_m2",
    "total_investment_wan",
    "completed_investment_wan",
    "funding_planned_wan",
    "funding_received_wan",
    "funding_sources",
    "certificate_no",
    "certificate_date",
    "plan_year",
    "start_planned",
    "start_actual",
    "delivered_planned",
    "delivered_actual",
    "stage",
    "stage_date",
    "next_milestone",
    "next_planned",
    "status",
    "overdue",
    "overdue_milestones",
    "schedule",
    "progress",
    "rent_yuan_m2",
    "market_rent_yuan_m2",
    "leased_units",
    "open_problems",
    "overdue_problems",
    "problem_list",
    "responsible_unit",
    "responsible_person",
    "contact_person",
    "contact",
    "updated",
    "note",
)
DEFAULT_KEYS: tuple[str, ...] = (
    "id", "name", "district", "supply_type_label", "units", "plan_year",
    "start_planned", "start_actual", "delivered_planned", "delivered_actual",
    "stage", "next_milestone", "next_planned", "status", "overdue", "open_problems", "responsible_unit",
)  # fmt: skip
