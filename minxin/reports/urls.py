from django.urls import path

from minxin.reports import map_views, views

app_name = "reports"
urlpatterns = [
    path("dashboard/<str:code>/", views.dashboard, name="dashboard"),
    path("map/<str:code>/", map_views.map_page, name="map"),
    path("map/<str:code>/data/", map_views.map_data, name="map-data"),
    path("map/<str:code>/print/", map_views.map_print, name="map-print"),
]
