"""Renderers: one ``Report`` → terminal table, JSON, CSV, Markdown (and Excel, see ``xlsx``)."""
