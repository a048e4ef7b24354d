"""SMS to applicants: the interface a provider plugs into (settings.GONGKAI_SMS_BACKEND, a dotted path to a
class) and the default backend, which sends nothing. A backend's `send(phone, text)` raises on failure (the
background job retries it); `delivers` says whether a message really leaves the platform, so the case's
notice log can tell "已发送" from "已记录". No backend may write the phone number to a log."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("gongkai.sms")


class LogBackend:
    """The default: no SMS provider. The message stays in the case's notice log (ApplicantNotification), and
    the log line says only that one was recorded, without the number or the text."""

    delivers = False

    def send(self, phone: str, text: str) -> None:
        logger.info("短信（未接入短信服务）：已记录 1 条，%d 字，未实际发送", len(text))


def backend():
    return import_string(settings.GONGKAI_SMS_BACKEND)()
