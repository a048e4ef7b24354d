"""What every public (no login) form of the portal shares: 依申请公开's application and status lookup, the
领导信箱 letter form, 意见征集 comments. Abuse is held off without JavaScript or an outside service: a
signed arithmetic question (HumanCheckMixin) and per-address fixed-window limits kept in Django's cache
(RateLimit), which all web processes share. Labels sit above their fields, Chinese style (PlainForm)."""

import secrets
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai import file_reading

# --- Per-address rate limits ----------------------------------------------------------------------------


class LiveSetting:
    """An integer setting read when used, not when imported: `RateLimit("x", SUBMISSIONS_PER_WINDOW)` and
    f"{WINDOW_MINUTES} 分钟" follow settings changed later (tests' override_settings, a reloaded config)."""

    def __init__(self, name: str):
        self.name = name

    def __int__(self) -> int:
        return int(getattr(settings, self.name))

    __index__ = __int__

    def __format__(self, spec: str) -> str:
        return format(int(self), spec)

    def __str__(self) -> str:
        return str(int(self))

    def __mul__(self, other):
        return int(self) * other

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"LiveSetting({self.name!r})"


# Defaults and meaning: gongkai/settings.py and docs/configuration.md.
WINDOW_MINUTES = LiveSetting("GONGKAI_PUBLIC_RATE_WINDOW_MINUTES")
SUBMISSIONS_PER_WINDOW = LiveSetting("GONGKAI_PUBLIC_SUBMISSIONS_PER_WINDOW")
# Form posts (valid or not) and status lookups: generous for a person correcting typos, tight for a script.
ATTEMPTS_PER_WINDOW = LiveSetting("GONGKAI_PUBLIC_ATTEMPTS_PER_WINDOW")
LOOKUPS_PER_WINDOW = LiveSetting("GONGKAI_PUBLIC_LOOKUPS_PER_WINDOW")
RATE_KEY_PREFIX = "public:rate:"


class RateLimit:
    """A fixed-window counter per client address (gongkai.client_address) in the cache, which every web
    process shares (Redis or the database: gongkai/settings.py). Each scope ("request-submit",
    "letter-lookup", …) counts on its own. `limit` is a number or a LiveSetting, read at each use."""

    def __init__(self, scope: str, limit: "int | LiveSetting"):
        self.scope, self._limit = scope, limit

    @property
    def limit(self) -> int:
        return int(self._limit)

    def _key(self, ip: str | None) -> str:
        return f"{RATE_KEY_PREFIX}{self.scope}:{ip or 'unknown'}"

    def used(self, ip) -> int:
        return cache.get(self._key(ip), 0)

    def exhausted(self, ip) -> bool:
        return self.used(ip) >= self.limit

    def hit(self, ip) -> int:
        """Counts one use and returns the count in this window; atomic across processes (Redis INCR, or
        gongkai.cache.DatabaseCache.incr under a row lock)."""
        key, window = self._key(ip), int(WINDOW_MINUTES) * 60
        cache.add(key, 0, window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: this use opens a new window
            if cache.add(key, 1, window):
                return 1
            return cache.incr(key)

    def refusal(self, what: str) -> str:
        """The message for a refused attempt: what was done too often, and the limit."""
        return f"{what}过于频繁：同一网络地址 {int(WINDOW_MINUTES)} 分钟内最多{what} {self.limit} 次，请稍后再试。"


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


class NumberAndCodeForm(PlainForm):
    """A case looked up by its number and 查询码 (letters, 更正申请): spaces dropped, letters upper-cased, both
    off autocomplete. Subclasses set the number's label."""

    number_label = "编号"
    number = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    lookup_code = forms.CharField(label="查询码", max_length=8, min_length=8,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].label = self.number_label

    def clean_number(self):
        return "".join(self.cleaned_data["number"].split()).upper()

    def clean_lookup_code(self):
        return "".join(self.cleaned_data["lookup_code"].split()).upper()


# --- 查询码: with its number, it opens a case to the person who submitted it (依申请公开, 领导信箱, 更正申请) ---

LOOKUP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
LOOKUP_CODE_LENGTH = 8
_NO_MATCH_CODE = "0" * LOOKUP_CODE_LENGTH  # "0" is not in LOOKUP_ALPHABET, so this never matches


def new_lookup_code() -> str:
    """A random 查询码: 8 characters of LOOKUP_ALPHABET (32⁸ ≈ 10¹² codes)."""
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_CODE_LENGTH))


def matching_lookup_code(found, code: str):
    """`found` (a case with a `lookup_code`, or None when its number is unknown) when `code` is its 查询码, else
    None. Compared in constant time, and against a code that never matches when nothing was found, so neither
    the answer nor its timing tells whether the number or the code was wrong."""
    matched = constant_time_compare(found.lookup_code if found is not None else _NO_MATCH_CODE, code)
    return found if found is not None and matched else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen). With `max_files` and
    `max_mb`, their number and each one's size are checked before anything is read (gongkai.file_reading);
    `noun` names the files in the message ("附件最多 3 个。")."""

    def __init__(self, *args, max_files: int | None = None, max_mb: int | None = None, noun: str = "文件",
                 **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)
        self.max_files, self.max_mb, self.noun = max_files, max_mb, noun

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            files = [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        else:
            files = [super().clean(data, initial)] if data else []
        if self.max_files is not None and len(files) > self.max_files:
            raise forms.ValidationError(f"{self.noun}最多 {self.max_files} 个。")
        for upload in files if self.max_mb is not None else ():
            try:
                file_reading.check_upload_size(upload, self.max_mb * file_reading.MB)
            except file_reading.FileRefused as error:
                raise forms.ValidationError(error.for_file(upload.name)) from error
        return files


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


SPENT_MESSAGE = "该验证问题已使用过，请回答新的问题。"


def judge_challenge(token: str, given: str) -> tuple[str | None, bool]:
    """(problem, replayed). problem: None when the answer is right; otherwise the reason, in Chinese. Every
    token is spent on its first check, right or wrong, so one question cannot be tried with every possible
    answer. replayed: the token was spent already and this post carries its right answer — the same
    filled-in form posted again (a double-click, a reload): the answered question is the form's one-time
    token, and its view may answer a replay with what the first post made, never with a second one."""
    try:
        data = signing.loads(token or "", salt=HUMAN_CHECK_SALT, max_age=HUMAN_CHECK_MAX_AGE)
        nonce, digest = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        return "验证问题已过期，请回答新的问题。", False
    fresh = cache.add(f"{HUMAN_CHECK_KEY_PREFIX}{nonce}", 1, HUMAN_CHECK_MAX_AGE)
    value = unicodedata.normalize("NFKC", given or "").strip()
    well_formed = value.isascii() and value.isdigit() and len(value) <= 3
    right = well_formed and constant_time_compare(_answer_digest(nonce, int(value)), digest)
    if not fresh:
        return SPENT_MESSAGE, right
    if not well_formed:
        return "请用阿拉伯数字填写计算结果。", False
    if not right:
        return "计算结果不正确，请回答新的问题。", False
    return None, False


def check_challenge(token: str, given: str) -> str | None:
    """judge_challenge's problem alone."""
    return judge_challenge(token, given)[0]


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

    replayed = False  # set by clean(): this form, question answered, was posted before (judge_challenge)

    def clean(self):
        cleaned = super().clean()
        problem, self.replayed = judge_challenge(self.data.get(self.add_prefix("challenge"), ""),
                                                 self.data.get(self.add_prefix("answer"), ""))
        if problem:
            self.add_error("answer", problem)
        return cleaned
