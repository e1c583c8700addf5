from django.urls import path

from minxin.assessment.views import annual, periods, pledges, supervision

app_name = "assessment"
urlpatterns = [
    path("", periods.index, name="index"),
    path("scheme/", periods.scheme, name="scheme"),
    path("run/", periods.run_quarter, name="run"),
    path("periods/<str:code>/", periods.period_detail, name="period"),
    path("periods/<str:code>/publish/", periods.period_publish, name="period-publish"),
    path("periods/<str:code>/bulletin/<str:region>.docx", periods.bulletin_docx, name="bulletin-docx"),
    path("periods/<str:code>/bulletin/<str:region>.xlsx", periods.bulletin_xlsx, name="bulletin-xlsx"),
    path("results/<int:pk>/", periods.result_detail, name="result"),
    path("scores/<int:pk>/", periods.score_detail, name="score"),
    path("scores/<int:pk>/appeal/", periods.appeal_new, name="appeal-new"),
    path("appeals/", periods.appeal_list, name="appeal-list"),
    path("appeals/<int:pk>/decide/", periods.appeal_decide, name="appeal-decide"),
    path("pledges/", pledges.pledge_list, name="pledge-list"),
    path("pledges/mine/<int:year>/", pledges.pledge_edit, name="pledge-edit"),
    path("pledges/<int:pk>/", pledges.pledge_detail, name="pledge"),
    path("pledges/<int:pk>/submit/", pledges.pledge_submit, name="pledge-submit"),
    path("pledges/<int:pk>/publish/", pledges.pledge_publish, name="pledge-publish"),
    path("pledge-items/<int:pk>/review/", pledges.pledge_review, name="pledge-review"),
    path("public/pledges/<str:token>/", pledges.pledge_public, name="pledge-public"),
    path("supervision/", supervision.inspection_list, name="inspection-list"),
    path("supervision/new/", supervision.inspection_new, name="inspection-new"),
    path("supervision/<int:pk>/", supervision.inspection_detail, name="inspection"),
    path("supervision/<int:pk>/findings/new/", supervision.finding_new, name="finding-new"),
    path("supervision/<int:pk>/scores/new/", supervision.score_new, name="manual-score-new"),
    path("rectifications/", supervision.rectification_list, name="rectification-list"),
    path("rectifications/<int:pk>/", supervision.rectification_update, name="rectification"),
    path("grades/<int:year>/", annual.grade_list, name="grade-list"),
    path("grades/<int:year>/compute/", annual.grades_compute, name="grades-compute"),
    path("grades/item/<int:pk>/", annual.grade_confirm, name="grade-confirm"),
    path("cadres/<int:pk>/consequences/new/", annual.consequence_new, name="consequence-new"),
    path("archive/<int:pk>/<int:year>/", annual.archive_page, name="archive"),
    path("archive/<int:pk>/<int:year>.docx", annual.archive_docx, name="archive-docx"),
]
