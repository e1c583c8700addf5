from django.urls import path

from minxin.disputes import views

app_name = "disputes"
urlpatterns = [
    path("screenings/", views.screening_list, name="screening-list"),
    path("screenings/new/", views.screening_new, name="screening-new"),
    path("screenings/missed/", views.screening_missed, name="screening-missed"),
    path("sensitive/", views.sensitive_list, name="sensitive-list"),
]
