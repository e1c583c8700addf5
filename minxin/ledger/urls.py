from django.urls import path

from minxin.ledger import views

app_name = "ledger"
urlpatterns = [path("<slug:book>/", views.book_lines, name="lines")]
