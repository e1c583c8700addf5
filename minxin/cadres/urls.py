from django.urls import path

from minxin.cadres import views, views_study

app_name = "cadres"
urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("new/", views.cadre_new, name="new"),
    path("<int:pk>/", views.cadre_detail, name="detail"),
    path("<int:pk>/edit/", views.cadre_edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.cadre_reveal, name="reveal"),
    path("<int:pk>/assignments/new/", views.assignment_new, name="assignment-new"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment-end"),
    path("<int:pk>/insurance/new/", views.insurance_new, name="insurance-new"),
    path("<int:pk>/leave/new/", views.leave_new, name="leave-new"),
    path("leave/", views.leave_list, name="leave-list"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave-decide"),
    path("study/", views_study.study_list, name="study-list"),
    path("study/new/", views_study.study_new, name="study-new"),
    path("study/<int:pk>/", views_study.study_detail, name="study-detail"),
    path("study/<int:pk>/edit/", views_study.study_edit, name="study-edit"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_new, name="unit-new"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/staff/new/", views.unit_staff_new, name="unit-staff-new"),
    path("staff/<int:pk>/retire/", views.unit_staff_retire, name="unit-staff-retire"),
]
