from django.contrib.auth import views as auth_views
from django.urls import path

from minxin.accounts import views
from minxin.accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/todo/", views.todo_list, name="todo"),
    path("me/todo/count/", views.todo_count, name="todo-count"),
    path("me/todo/panel/", views.todo_panel, name="todo-panel"),
    path("me/password/", views.password_change, name="password-change"),
    path("me/tokens/new/", views.token_new, name="token-new"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_new, name="user-new"),
    path("users/<int:pk>/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/password/", views.user_password, name="user-password"),
    path("users/<int:pk>/tokens/revoke/", views.user_tokens_revoke, name="user-tokens-revoke"),
]
