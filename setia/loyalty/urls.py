app_name = "loyalty"

urlpatterns: list = []
