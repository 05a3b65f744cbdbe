"""The read-only JSON (and CSV) API for BI tools: plans, objectives, actions and measures
with their statuses as at a date, and measures' data points, for the holder of a token.

serializers.py  what each item looks like (flat, ISO dates, Decimals as strings)
views.py        the endpoints: visible plans only, filters, paging, CSV streaming
renderers.py    CSV: flattened columns, every text cell formula-safe
pagination.py   page-number paging with a bounded page size
throttling.py   a per-user request rate
token_page.py   the /api/ page where a signed-in person creates or revokes their token
urls.py         /api/ (the page) and /api/v1/ (the endpoints, the OpenAPI schema)
"""
