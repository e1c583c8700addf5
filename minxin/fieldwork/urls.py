from django.urls import path

from minxin.fieldwork.views import followup, records

app_name = "fieldwork"
urlpatterns = [
    path("visits/", records.visit_list, name="visit-list"),
    path("visits/new/", records.visit_new, name="visit-new"),
    path("visits/<int:pk>/", records.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/photo/", records.visit_photo, name="visit-photo"),
    path("photos/<int:pk>/", records.photo_file, name="photo-file"),
    path("meetings/", records.meeting_list, name="meeting-list"),
    path("meetings/new/", records.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", records.meeting_detail, name="meeting-detail"),
    path("calls/", records.call_list, name="call-list"),
    path("calls/new/", records.call_new, name="call-new"),
    path("diary/", records.diary_list, name="diary-list"),
    path("diary/new/", records.diary_new, name="diary-new"),
    path("presence/", records.presence_list, name="presence"),
    path("needs/", followup.need_list, name="need-list"),
    path("needs/<int:pk>/", followup.need_detail, name="need-detail"),
    path("requests/", followup.request_list, name="request-list"),
    path("requests/new/", followup.request_new, name="request-new"),
    path("requests/<int:pk>/", followup.request_detail, name="request-detail"),
    path("requests/<int:pk>/reveal-phone/", followup.request_reveal_phone, name="request-reveal-phone"),
    path("requests/<int:pk>/assign/", followup.request_assign, name="request-assign"),
    path("requests/<int:pk>/answer/", followup.request_answer, name="request-answer"),
    path("requests/<int:pk>/close/", followup.request_close, name="request-close"),
    path("cards/<str:code>/", followup.card_list, name="card-list"),
    path("cards/<str:code>/issue/", followup.card_issue, name="card-issue"),
    path("cards/<str:code>/print/", followup.card_print, name="card-print"),
    path("households/<int:pk>/card/reissue/", followup.card_reissue, name="card-reissue"),
    path("households/<int:pk>/card/qr/", followup.card_qr, name="card-qr"),
]
