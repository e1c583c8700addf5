from django.urls import path

from minxin.disputes import views, views_cases

app_name = "disputes"
urlpatterns = [
    path("screenings/", views.screening_list, name="screening-list"),
    path("screenings/new/", views.screening_new, name="screening-new"),
    path("screenings/missed/", views.screening_missed, name="screening-missed"),
    path("sensitive/", views.sensitive_list, name="sensitive-list"),
    path("cases/", views_cases.dispute_list, name="dispute-list"),
    path("cases/new/", views_cases.dispute_new, name="dispute-new"),
    path("cases/<int:pk>/", views_cases.dispute_detail, name="dispute-detail"),
    path("cases/<int:pk>/<str:kind>.docx", views_cases.dispute_document, name="dispute-document"),
    path("cases/<int:pk>/edit/", views_cases.dispute_edit, name="dispute-edit"),
    path("cases/<int:pk>/parties/", views_cases.party_add, name="party-add"),
    path("cases/<int:pk>/parties/<int:party_pk>/reveal/", views_cases.party_reveal, name="party-reveal"),
    path("petitions/", views_cases.petition_list, name="petition-list"),
    path("petitions/new/", views_cases.petition_new, name="petition-new"),
    path("petitions/<int:pk>/", views_cases.petition_detail, name="petition-detail"),
    path("petitions/<int:pk>/reveal/", views_cases.petition_reveal, name="petition-reveal"),
    path("overdue/", views_cases.overdue, name="overdue"),
]
