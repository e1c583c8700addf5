from django.urls import path

from minxin.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/<str:code>/", views.dashboard, name="dashboard"),
]
