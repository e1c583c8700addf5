from django.urls import path

from minxin.registry import views, views_io, views_plan

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/export.xlsx", views_io.household_export, name="household-export"),
    path("exports/<int:pk>/", views_io.export_job, name="export-job"),
    path("exports/<int:pk>/progress/", views_io.export_progress, name="export-progress"),
    path("exports/<int:pk>/download.xlsx", views_io.export_download, name="export-download"),
    path("households/new/", views.household_new, name="household-new"),
    path("households/validate/", views.validate, name="validate"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:pk>/reveal-phone/", views.household_reveal, name="household-reveal"),
    path("households/<int:pk>/members/new/", views.member_new, name="member-new"),
    path("households/<int:pk>/registration/", views.registration_edit, name="registration-edit"),
    path("households/<int:pk>/income/", views.income_edit, name="income-edit"),
    path("households/<int:pk>/checklist/", views.checklist_edit, name="checklist-edit"),
    path("households/<int:pk>/helpers/", views.helpers_edit, name="helpers-edit"),
    path("households/<int:pk>/care/", views.care_override, name="care-override"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member-reveal"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("villages/<str:code>/", views_io.village_file, name="village-file"),
    path("villages/<str:code>/edit/", views_io.village_file_edit, name="village-file-edit"),
    path("villages/<str:code>/plans/new/", views_plan.plan_new, name="plan-new"),
    path("plans/<int:pk>/", views_plan.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views_plan.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/items/new/", views_plan.plan_item_new, name="plan-item-new"),
    path("plan-items/<int:pk>/edit/", views_plan.plan_item_edit, name="plan-item-edit"),
    path("import/", views_io.import_upload, name="import"),
    path("import/template.xlsx", views_io.import_template, name="import-template"),
    path("import/<int:pk>/", views_io.import_job, name="import-job"),
    path("import/<int:pk>/progress/", views_io.import_progress, name="import-progress"),
    path("import/<int:pk>/sheet/", views_io.import_sheet, name="import-sheet"),
    path("import/<int:pk>/report.xlsx", views_io.import_report, name="import-report"),
]
