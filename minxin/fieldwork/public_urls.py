"""The public pages (no login): the request page behind a liaison card's QR code."""

from django.urls import path

from minxin.fieldwork.views import public

app_name = "public"
urlpatterns = [
    path("<str:token>/", public.request_page, name="request"),
]
