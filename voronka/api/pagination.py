from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from voronka.core.pagination import CappedPaginator


class PagePagination(PageNumberPagination):
    """`?page=` and `?page_size=` (up to 100). `count` stops at the list limit, like the pages."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_exact": paginator.count_is_exact,
                "page": self.page.number,
                "pages": paginator.num_pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_exact"] = {"type": "boolean"}
        response["properties"]["page"] = {"type": "integer"}
        response["properties"]["pages"] = {"type": "integer"}
        return response
