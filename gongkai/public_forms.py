"""What every public (no login) form of the portal shares: 依申请公开's application and status lookup, the
领导信箱 letter form, 意见征集 comments. Abuse is held off without JavaScript or an outside service: a
signed arithmetic question (HumanCheckMixin) and per-IP fixed-window limits kept in Django's cache
(RateLimit). Labels sit above their fields, Chinese style (PlainForm)."""

import secrets
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

# --- Per-IP rate limits ----------------------------------------------------------------------------------

WINDOW_MINUTES = getattr(settings, "GONGKAI_PUBLIC_RATE_WINDOW_MINUTES", 10)
SUBMISSIONS_PER_WINDOW = getattr(settings, "GONGKAI_PUBLIC_SUBMISSIONS_PER_WINDOW", 5)
# Form posts (valid or not) and status lookups: generous for a person correcting typos, tight for a script.
ATTEMPTS_PER_WINDOW = getattr(settings, "GONGKAI_PUBLIC_ATTEMPTS_PER_WINDOW", 20)
LOOKUPS_PER_WINDOW = getattr(settings, "GONGKAI_PUBLIC_LOOKUPS_PER_WINDOW", 20)
RATE_KEY_PREFIX = "public:rate:"


class RateLimit:
    """A fixed-window counter per client IP in the cache (shared between workers when Redis is set). Each
    scope ("request-submit", "letter-lookup", …) counts on its own."""

    def __init__(self, scope: str, limit: int):
        self.scope, self.limit = scope, limit

    def _key(self, ip: str | None) -> str:
        return f"{RATE_KEY_PREFIX}{self.scope}:{ip or 'unknown'}"

    def used(self, ip) -> int:
        return cache.get(self._key(ip), 0)

    def exhausted(self, ip) -> bool:
        return self.used(ip) >= self.limit

    def hit(self, ip) -> int:
        key = self._key(ip)
        cache.add(key, 0, WINDOW_MINUTES * 60)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_MINUTES * 60)
            return 1


# --- Form basics -----------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PlainForm(forms.Form):
    """Labels without Django's ASCII ":" suffix: labels sit above their fields, Chinese style."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# --- Human check (no external service, no JavaScript) ----------------------------------------------------

CN_NUMERALS = "零一二三四五六七八九十"
HUMAN_CHECK_SALT = "gongkai.public_forms.human_check"
HUMAN_CHECK_KEY_PREFIX = "public:human-check:"
HUMAN_CHECK_MAX_AGE = 2 * 60 * 60


def chinese_numeral(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n]
    if n < 20:
        return "十" + CN_NUMERALS[n - 10]
    tens, units = divmod(n, 10)
    return CN_NUMERALS[tens] + "十" + (CN_NUMERALS[units] if units else "")


def _answer_digest(nonce: str, answer: int) -> str:
    return salted_hmac(HUMAN_CHECK_SALT, f"{nonce}:{answer}").hexdigest()


def issue_challenge() -> tuple[str, str, int]:
    """(question, signed token, answer). The token carries only a keyed digest of the answer, so the page
    does not give the answer away; the nonce makes each token usable once."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2):
        question, answer = f"{chinese_numeral(a)}加{chinese_numeral(b)}等于多少？", a + b
    else:
        a, b = max(a, b), min(a, b)
        question, answer = f"{chinese_numeral(a)}减{chinese_numeral(b)}等于多少？", a - b
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "q": question, "h": _answer_digest(nonce, answer)}, salt=HUMAN_CHECK_SALT)
    return question, token, answer


def check_challenge(token: str, given: str) -> str | None:
    """None when the answer is right; otherwise the reason, in Chinese. Every token is spent on its first
    check, right or wrong, so one question cannot be tried with every possible answer."""
    try:
        data = signing.loads(token or "", salt=HUMAN_CHECK_SALT, max_age=HUMAN_CHECK_MAX_AGE)
        nonce, digest = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        return "验证问题已过期，请回答新的问题。"
    if not cache.add(f"{HUMAN_CHECK_KEY_PREFIX}{nonce}", 1, HUMAN_CHECK_MAX_AGE):
        return "该验证问题已使用过，请回答新的问题。"
    value = unicodedata.normalize("NFKC", given or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 3:
        return "请用阿拉伯数字填写计算结果。"
    if not constant_time_compare(_answer_digest(nonce, int(value)), digest):
        return "计算结果不正确，请回答新的问题。"
    return None


class HumanCheckMixin(PlainForm):
    challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    answer = forms.CharField(label="验证问题", max_length=10, required=False,
                             help_text="请用阿拉伯数字填写计算结果，用于防止自动程序批量提交。",
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                           "size": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.new_challenge()

    def new_challenge(self) -> None:
        """A fresh question for the next attempt (the previous one is spent)."""
        question, token, _answer = issue_challenge()
        self.fields["answer"].label = f"验证问题：{question}"
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix("challenge")] = token
            self.data[self.add_prefix("answer")] = ""
            self._bound_fields_cache.clear()
        else:
            self.initial["challenge"] = token

    def clean(self):
        cleaned = super().clean()
        problem = check_challenge(self.data.get(self.add_prefix("challenge"), ""),
                                  self.data.get(self.add_prefix("answer"), ""))
        if problem:
            self.add_error("answer", problem)
        return cleaned
