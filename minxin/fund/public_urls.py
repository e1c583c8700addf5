"""The fund's public notice page (公示), no login."""

from django.urls import path

from minxin.fund import views_public

app_name = "fund-public"
urlpatterns = [path("<str:code>/", views_public.notice, name="notice")]
