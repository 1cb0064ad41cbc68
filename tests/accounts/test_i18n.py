"""R16: English and Simplified Chinese, switchable on every page, fully translated."""

import re
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_r16_page_rendered_in_zh_hans_shows_chinese(client, admin_agent):
    client.force_login(admin_agent)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    content = client.get(reverse("home")).content.decode()
    assert "需要确认的客户" in content
    assert "退出登录" in content
    assert 'lang="zh-hans"' in content


def test_r16_sign_in_page_follows_the_browser_language(client):
    content = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "用户名" in content and "密码" in content


def test_r16_catalogue_has_no_empty_or_fuzzy_entry():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert len(catalogue) > 100
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_r16_compiled_catalogue_matches_the_source(domain):
    source = polib.pofile(str(LOCALE / f"{domain}.po"))
    compiled = polib.mofile(str(LOCALE / f"{domain}.mo"))
    translations = {entry.msgid: entry.msgstr for entry in compiled}
    stale = [e.msgid for e in source if not e.msgid_plural and translations.get(e.msgid) != e.msgstr]
    assert not stale, f"run `make messages`: {domain}.mo is older than {domain}.po for {stale[:5]}"


def test_r16_the_admins_two_list_picker_says_click_to_clear_in_chinese(client, staff_user):
    """Django's Chinese for the admin's scripts has no "(click to clear)"; Accord's djangojs has."""
    client.force_login(staff_user)
    catalogue = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # The catalogue is JSON with its non-ASCII escaped: （点击清除）.
    assert '"(click to clear)": "' + "（点击清除）".encode("unicode_escape").decode() + '"' in catalogue
    assert '"Choose all": ' in catalogue  # Django's own entries are still there


def test_r16_anonymous_user_switches_language_on_the_sign_in_page(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "用户名" in client.get(reverse("login")).content.decode()


def test_r16_the_admins_sign_in_lockout_pages_are_chinese_too(client, staff_user):
    """django-axes ships no Chinese; Accord's catalogue translates what it shows staff."""
    client.force_login(staff_user)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    attempts = client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "访问尝试" in index and "Access attempts" not in index
    # The apps' headings too, not "Axes" and "Knox".
    assert "登录锁定" in index and "API 令牌" in index
    assert ">Axes<" not in index and ">Knox<" not in index
    assert "尝试时间" in attempts and "Attempt Time" not in attempts


def test_r16_the_admin_says_account_with_the_standard_账(client, staff_user, admin_agent):
    """账户 or 账号, as the portal's 账户信息, never the variant 帐 some of Django's Chinese uses."""
    refused = client.post(
        "/admin/login/", {"username": "staff", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "请输入工作人员账户正确的用户名和密码" in refused
    client.force_login(admin_agent)  # signed in, but not staff
    not_staff = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "要使用其他账户登录吗" in not_staff
    client.force_login(staff_user)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "账户" in index
    user_form = client.get(
        f"/admin/accounts/user/{admin_agent.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "而不是删除账户" in user_form
    for page in (refused, not_staff, index, user_form):
        assert "帐" not in page


def test_r16_the_catalogue_says_账_not_帐():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    variant = [entry.msgid for entry in catalogue if "帐" in entry.msgstr]
    assert not variant, variant


def _installed_catalogues():
    """The compiled Chinese catalogues of Django and every installed app (Accord's own is LOCALE_PATHS')."""
    directories = [Path(django.__file__).parent / "conf" / "locale"]
    directories += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    for directory in directories:
        compiled = directory / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if compiled.exists():
            yield compiled, polib.mofile(str(compiled))


def test_r16_no_chinese_message_of_an_installed_app_says_帐():
    """Django's own Chinese says 帐号 in a few messages; Accord's catalogue, read first, says 账."""
    variant = []
    with translation.override("zh-hans"):
        for _path, catalogue in _installed_catalogues():
            for entry in catalogue:
                if "帐" not in entry.msgstr or entry.msgid_plural:
                    continue
                shown = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                if "帐" in shown:
                    variant.append(entry.msgid)
    assert not variant, variant


# Installed apps' messages whose Chinese Accord's catalogue replaces on purpose: the portal's own
# wording for the same words (电子邮件地址, 国家/地区, 主页…), 账 for 帐, or a clearer sentence.
OVERRIDDEN = {
    "Email address",
    "This field is required.",
    "Enter a whole number.",
    "Order",  # Django's formsets' ordering field (排序), which no Accord form has: 订单 here
    "Please enter the correct %(username)s and password for a staff account. Note that both "
    "fields may be case-sensitive.",
    "Page not found",
    "Home",
    "Change password",
    "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, "
    "but your account doesn't have permission to delete the following types of objects:",
    "Deleting the selected %(objects_name)s would result in deleting related objects, but your "
    "account doesn't have permission to delete the following types of objects:",
    "You are authenticated as %(username)s, but are not authorized to access this page. Would you "
    "like to login to a different account?",
    "Your password was changed.",
    "This account is inactive.",
    "Designates whether this user should be treated as active. Unselect this instead of deleting accounts.",
    "Bahamas",
    "Country",
    "History",
    "Search",  # DRF's Chinese has a stray leading space: " 搜索"
}


def test_r16_accord_replaces_only_the_installed_apps_chinese_it_means_to():
    """Accord's catalogue is read first: a message of its own that happens to share its English
    with another app's takes that app's place too ("Created", a column heading, said 创建时间 where
    simple-history means 已创建). Such a clash needs a msgctxt, or a place in OVERRIDDEN."""
    ours = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.mofile(str(LOCALE / "django.mo"))
        if not entry.msgid_plural
    }
    clashes = set()
    for path, catalogue in _installed_catalogues():
        for entry in catalogue:
            mine = ours.get((entry.msgctxt, entry.msgid))
            differs = mine and entry.msgstr and mine != entry.msgstr
            if entry.msgid and differs and entry.msgid not in OVERRIDDEN:
                clashes.add((str(path.parents[3].name), entry.msgid, mine, entry.msgstr))
    assert not clashes, sorted(clashes)


def test_r16_the_admins_token_list_user_form_and_history_are_chinese_too(client, staff_user, admin_agent):
    """knox names its model and fields in English only; newer Django and simple-history strings
    have no Chinese in their catalogues."""
    from knox.models import AuthToken

    from tests.factories import CustomerFactory

    AuthToken.objects.create(user=admin_agent)
    customer = CustomerFactory(partner=admin_agent.partner)
    client.force_login(staff_user)

    def page(url):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    tokens = page("/admin/accounts/apitoken/")
    for english in ("auth token", "Auth token", "Token key", "Expiry", ">User<", "By created"):
        assert english not in tokens, english
    assert "API 令牌" in tokens and "令牌标识" in tokens
    add_user = page("/admin/accounts/user/add/")
    assert "edit more user options" not in add_user and "创建用户后" in add_user
    history = page(f"/admin/customers/customer/{customer.pk}/history/")
    assert ">Changes<" not in history and "更改" in history


def _zh_hans(client, url) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    return response.content.decode()


def test_r16_historical_records_and_permissions_are_named_in_chinese(client, staff_user, admin_agent):
    """simple-history named its models "historical customer" in English; Django shows every
    permission by the English name it stored ("Can view historical customer")."""
    client.force_login(staff_user)
    new_group = _zh_hans(client, "/admin/auth/group/add/")
    user_form = _zh_hans(client, f"/admin/accounts/user/{admin_agent.pk}/change/")
    for page in (new_group, user_form):
        for english in ("historical", "Can view", "Can add", "Can change", "Can delete", "auth token"):
            assert english not in page, english
    assert "客户 | 历史客户 | 可以查看历史客户" in new_group
    assert "历史订单" in new_group and "历史订阅" in new_group
    assert "可以添加订单" in user_form


def test_r16_a_read_only_permission_list_is_chinese_too(client, admin_agent):
    """A staff member who is no superuser sees a user's permissions as text, not as a list to pick from."""
    from tests.factories import StaffFactory

    admin_agent.user_permissions.add(Permission.objects.get(codename="view_historicalcustomer"))
    clerk = StaffFactory(username="clerk", is_superuser=False)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(clerk)
    page = _zh_hans(client, f"/admin/accounts/user/{admin_agent.pk}/change/")
    assert "Can view historical customer" not in page
    assert "客户 | 历史客户 | 可以查看历史客户" in page


def test_r16_permission_names_other_than_the_default_ones_are_looked_up_in_the_catalogue():
    from accounts.auth_names import permission_name

    permission = Permission.objects.get(codename="view_customer")
    permission.codename = "export_customer"
    permission.name = "partner"  # a msgid the catalogue translates
    with translation.override("zh-hans"):
        assert permission_name(permission) == "合作伙伴"


def test_r16_a_users_delete_confirmation_names_memberships_in_chinese(client, staff_user, admin_agent):
    """Django named the rows tying a user to groups "User_groups object (3)" (User-group relationship)."""
    admin_agent.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(staff_user)
    user_page = _zh_hans(client, f"/admin/accounts/user/{admin_agent.pk}/delete/")
    group = Group.objects.get(name="Admin agent")
    group_page = _zh_hans(client, f"/admin/auth/group/{group.pk}/delete/")
    for page in (user_page, group_page):
        assert "object (" not in page and "relationship" not in page
    assert f"组成员身份: {admin_agent.username}，管理员代理 的成员" in user_page
    assert f"用户权限: {admin_agent.username} 的权限：订单 | 订单 | 可以查看订单" in user_page
    assert "组权限: 组 管理员代理 的权限：客户 | 客户 | 可以查看客户" in group_page


def test_r16_the_roles_are_named_in_chinese_in_the_admin(client, staff_user, admin_agent):
    """The roles' groups are stored as "Admin agent" and the like (PRODUCT §3), shown translated."""
    client.force_login(staff_user)
    groups = _zh_hans(client, "/admin/auth/group/")
    users = _zh_hans(client, "/admin/accounts/user/")
    user_form = _zh_hans(client, f"/admin/accounts/user/{admin_agent.pk}/change/")
    for page in (groups, users, user_form):
        for english in ("Admin agent", "Sales agent", "Helpdesk agent", "Billing admin"):
            assert f">{english}<" not in page, english
    for chinese in ("管理员代理", "销售代理", "支持人员代理", "账单管理员"):
        assert chinese in groups and chinese in users and chinese in user_form
    # Stored as before: the name staff edit, and what the data migration and seed_demo look up.
    assert Group.objects.filter(name="Sales agent").exists()
    with translation.override("en"):
        assert str(Group.objects.get(name="Sales agent")) == "Sales agent"


def test_r16_delete_confirmations_name_memberships_without_a_query_per_row(client, staff_user, partner):
    """Naming a membership reads both its ends: with the rows, however many a role's group has."""
    group = Group.objects.create(name="Auditors")
    member = factories.UserFactory(partner=partner, username="first.member")
    client.force_login(staff_user)

    def queries(url):
        _zh_hans(client, url)  # warm: content types, the session
        with CaptureQueriesContext(connection) as captured:
            _zh_hans(client, url)
        return len(captured)

    def grow(start, count):
        permissions = Permission.objects.order_by("pk")[start : start + count]
        group.permissions.add(*permissions)
        member.user_permissions.add(*permissions)
        for index in range(count):
            factories.UserFactory(partner=partner, username=f"member.{start + index}").groups.add(group)

    group_page = f"/admin/auth/group/{group.pk}/delete/"
    user_page = f"/admin/accounts/user/{member.pk}/delete/"
    member.groups.add(group)
    grow(0, 1)
    few = queries(group_page), queries(user_page)
    grow(1, 20)
    many = queries(group_page), queries(user_page)

    assert many == few


def test_r16_sign_in_lockouts_are_chinese_in_the_admin(client, staff_user):
    """django-axes heads its status column "Status" and names its rows "Attempted Access: …"."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    attempt = AccessAttempt.objects.create(
        username="avery", ip_address="203.0.113.7", user_agent="pytest", failures_since_start=2
    )
    log = AccessLog.objects.create(username="avery", ip_address="203.0.113.7", user_agent="pytest")
    failure = AccessFailureLog.objects.create(
        username="avery", ip_address="203.0.113.7", user_agent="pytest", locked_out=True
    )
    client.force_login(staff_user)
    attempts = _zh_hans(client, "/admin/axes/accessattempt/")
    assert ">Status<" not in attempts and "状态" in attempts
    assert "Attempt Remaining" not in attempts and "剩余 3 次尝试" in attempts
    pages = [
        _zh_hans(client, f"/admin/axes/accessattempt/{attempt.pk}/change/"),
        _zh_hans(client, f"/admin/axes/accessattempt/{attempt.pk}/delete/"),
        _zh_hans(client, f"/admin/axes/accesslog/{log.pk}/change/"),
        _zh_hans(client, f"/admin/axes/accessfailurelog/{failure.pk}/change/"),
    ]
    for page in pages:
        for english in ("Attempted Access", "Access Log for", "Failed access", "Expiration"):
            assert english not in page, english
    assert "avery 于" in pages[0] and "的访问尝试" in pages[0] and "的访问尝试" in pages[1]
    assert "的访问日志" in pages[2]
    assert "来自 203.0.113.7 的访问失败，已锁定" in pages[3]


def test_r16_cleaning_up_expired_lockouts_says_so_in_chinese(client, staff_user):
    """django-axes built its message with an f-string inside gettext, which no catalogue can match."""
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="avery", ip_address="203.0.113.7", user_agent="pytest", failures_since_start=1
    )
    client.force_login(staff_user)
    page = client.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [attempt.pk]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    ).content.decode()
    assert "Cleaned up" not in page and "已清理 0 条过期的访问尝试。" in page


def test_r16_the_admins_password_form_explains_in_chinese(client, staff_user, admin_agent):
    """Django joined its help text to an English warning when its forms module was imported."""
    client.force_login(staff_user)
    page = _zh_hans(client, f"/admin/accounts/user/{admin_agent.pk}/password/")
    assert "Whether the user will be able to authenticate" not in page
    assert "If disabled" not in page
    assert "如果禁用，该用户当前的密码将丢失。" in page
    assert "Your password" not in page and "你的密码" in page


def test_r16_the_admin_index_reads_its_table_heads_out_in_chinese(client, staff_user):
    client.force_login(staff_user)
    index = _zh_hans(client, "/admin/")
    for english in ("Model name", "Add link", "Change or view list link"):
        assert english not in index, english
    assert "模型名称" in index


def test_r16_a_customers_history_and_its_versions_are_chinese(client, staff_user, customer):
    """simple-history showed a missing change reason as "None" and named the app by its label."""
    client.force_login(staff_user)
    history = _zh_hans(client, f"/admin/customers/customer/{customer.pk}/history/")
    version = customer.history.first()
    page = _zh_hans(client, f"/admin/customers/customer/{customer.pk}/history/{version.history_id}/")
    assert not re.search(r"<td>\s*None\s*</td>", history)
    breadcrumbs = page[page.index('class="breadcrumbs"') :][:1000]
    assert "Customers" not in breadcrumbs and "Historical" not in breadcrumbs
    assert '/admin/customers/">客户</a>' in breadcrumbs


def test_r16_a_version_created_is_said_so_not_named_as_a_column(client, staff_user, customer, admin_agent):
    """Accord's column heading "Created" (创建时间) took over simple-history's "Created" (已创建)."""
    from knox.models import AuthToken

    AuthToken.objects.create(user=admin_agent)
    client.force_login(staff_user)
    history = _zh_hans(client, f"/admin/customers/customer/{customer.pk}/history/")
    assert "已创建" in history and "创建时间" not in history
    assert "创建时间" in _zh_hans(client, "/admin/accounts/apitoken/")
