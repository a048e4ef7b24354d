"""All outgoing mail goes through the worker: one job per message, so a message the mail server refused is
retried on its own (and the others are not sent twice)."""

from django.core.mail import EmailMessage

from .runner import background


@background("发送邮件")
def send_email(subject: str, body: str, to: list[str]) -> int:
    return EmailMessage(subject, body, None, list(to)).send()


def queue_email(subject: str, body: str, to) -> None:
    send_email.enqueue(subject=subject, body=body, to=list(to))
