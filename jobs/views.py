"""后台任务 (/workbench/jobs/): failed, waiting and running jobs with their error, the recent daily runs, and
重新运行 for a failed job (audited). Errors carry the exception class and a masked message only; job
arguments are never shown (a mail job's are a mail)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView, View

from audit.services import record
from orgs.scoping import Capability, StaffRequiredMixin, has_capability

from .models import ACTIVE_STATES, Job, JobState, ScheduledRun
from .runner import rerun
from .schedule import SCHEDULE

CAPABILITY = Capability.MONITORING_VIEW


class JobListView(StaffRequiredMixin, TemplateView):
    capability = CAPABILITY
    template_name = "jobs/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.localdate() - timedelta(days=7)
        context.update(
            failed=Job.objects.filter(state=JobState.FAILED)[:100],
            active=Job.objects.filter(state__in=ACTIVE_STATES).order_by("created_at")[:100],
            recent=Job.objects.filter(state=JobState.SUCCEEDED)[:30],
            runs=ScheduledRun.objects.filter(day__gte=since).select_related("job"),
            schedule=[(entry, entry.time()) for entry in SCHEDULE],
        )
        return context


class JobRerunView(StaffRequiredMixin, View):
    capability = CAPABILITY

    def post(self, request, *args, **kwargs):
        if not has_capability(request.user, CAPABILITY):
            raise PermissionDenied
        job = get_object_or_404(Job, pk=request.POST.get("job") or 0, state=JobState.FAILED)
        new = rerun(job)
        record("jobs.rerun", new, before={"job": job.pk, "error": job.error}, after={"job": new.pk, "state": new.state},
               note=f"重新运行失败的后台任务 #{job.pk}（{job.label}）")
        messages.success(request, f"已重新运行：{job.label}（新任务 #{new.pk}，{new.get_state_display()}）。")
        return redirect("jobs:index")
