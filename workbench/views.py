from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from audit.services import record
from orgs.models import Role
from orgs.scoping import StaffRequiredMixin, is_platform_admin

from .desk import desk_for, waiting_total


class StaffLoginView(LoginView):
    """Failed logins are counted by django-axes (settings.AXES_*); a locked pair sees workbench/lockout.html."""

    template_name = "workbench/login.html"
    redirect_authenticated_user = True


class StaffLogoutView(LogoutView):
    http_method_names = ["post", "options"]


class HomeView(StaffRequiredMixin, TemplateView):
    template_name = "workbench/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assignments = list(user.role_assignments.select_related("agency").order_by("agency__path", "role"))
        context["assignments"] = assignments
        context["is_platform_admin"] = is_platform_admin(user)
        context["has_no_role"] = not assignments and not context["is_platform_admin"]
        context["role_labels"] = dict(Role.choices)
        context["desk"] = desk_for(user)
        context["desk_total"] = waiting_total(context["desk"])
        return context


class StaffPasswordChangeView(StaffRequiredMixin, PasswordChangeView):
    """A staff member changes their own password: the old one first, the new one through
    AUTH_PASSWORD_VALIDATORS (length, similarity to the user's details, common and all-numeric passwords).
    The session stays signed in (Django updates its hash) and the change is audited, without any password."""

    template_name = "workbench/password_change.html"
    success_url = reverse_lazy("workbench:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        record("workbench.password_change", self.request.user, note="本人修改密码")
        messages.success(self.request, "密码已修改。")
        return response
