app_name = "merging"

urlpatterns = []
