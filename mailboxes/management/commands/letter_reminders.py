"""By hand: `gongkai letter_reminders` (mailboxes.deadlines.send_reminders); every morning the scheduler runs it
(jobs.schedule, "letters-remind")."""

from django.core.management.base import BaseCommand

from mailboxes.deadlines import send_reminders


class Command(BaseCommand):
    help = "向工作人员发送来信到期、超期和三个月期满提醒邮件"

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"已发送 {sent} 封提醒邮件。")
