from django.urls import path

from minxin.rooms import views

app_name = "rooms"
urlpatterns = [
    path("", views.room_list, name="room-list"),
    path("new/", views.room_new, name="room-new"),
    path("<int:pk>/", views.room_detail, name="room-detail"),
    path("<int:pk>/edit/", views.room_edit, name="room-edit"),
    path("<int:pk>/receipts/new/", views.receipt_new, name="receipt-new"),
    path("<int:pk>/spendings/new/", views.spending_new, name="spending-new"),
    path("<int:pk>/evaluations/new/", views.evaluation_new, name="evaluation-new"),
    path("reverse/<str:kind>/<int:pk>/", views.entry_reverse, name="reverse"),
    path("arrears/", views.arrears, name="arrears"),
    path("levy/", views.levy, name="levy"),
    path("construction/", views.construction, name="construction"),
]
