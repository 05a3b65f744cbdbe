"""Paging for the API's lists: numbered pages (`?page=2`) of 100 items by default,
`?page_size=` up to 1,000. The lists are ordered by plan title and then each item's
natural reference order, with the id last, so a page holds the same items however often
a BI tool asks for it."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
