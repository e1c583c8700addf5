from django.urls import path

from minxin.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("contributions/", views.contribution_list, name="contribution-list"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_form, name="application-new"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_form, name="application-edit"),
    path("applications/<int:pk>/decision.docx", views.decision_document, name="decision-document"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("experts/", views.expert_list, name="expert-list"),
    path("experts/new/", views.expert_form, name="expert-new"),
    path("experts/<int:pk>/", views.expert_form, name="expert-edit"),
    path("reviews/", views.my_reviews, name="my-reviews"),
]
