"""Measures (success measures / KPIs): targets, data points per period and their own RAG
status. The models arrive with the measures issue; until then objectives keep their
success measures as text."""
