from django.urls import path

from minxin.regions import views

app_name = "regions"
urlpatterns = [
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/edit/", views.village_edit, name="edit"),
    path("<str:code>/villages/new/", views.village_new, name="village-new"),
]
