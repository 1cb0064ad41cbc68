from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from knox.models import AuthToken

from accounts.forms import ApiTokenRevokeForm, SignInForm
from portal.middleware import clear_browser_cache

# Django's form views take PUT as POST, which answers PUT with the page: a page is read with GET
# (HEAD) and sent with POST; any other method is a 405 (R14).
PAGE_METHODS = ["get", "head", "post", "options"]


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True
    http_method_names = PAGE_METHODS


class PasswordChangeView(auth_views.PasswordChangeView):
    http_method_names = PAGE_METHODS


@method_decorator(login_not_required, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """Django's sign-out, emptying the browser's cache of Accord's pages.

    Pages read with GET are never stored (portal.middleware.NoStoreMiddleware), but answers
    to a POST are, so that Back to F1's review step works: after signing out on a shared
    computer, Back must not show them either (OWASP ASVS 8.2.1).
    """

    # Open to the signed-out: a second tab's *Sign out*, after the first's, lands on the sign-in
    # page saying so. Read with GET (typed, a bookmark) it asks first: a link signs nobody out.
    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        return render(request, "registration/logout_confirm.html")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        clear_browser_cache(response)
        return response


def _own_tokens(user):
    return AuthToken.objects.filter(user=user).order_by("-created")


# The token just created, kept in the session from the POST until the page that shows it once.
NEW_TOKEN_SESSION_KEY = "accounts:new_api_token"


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The signed-in user's API tokens; POST creates one, shown on the next page only (read with
    GET, so never kept in the browser's cache: portal.middleware.NoStoreMiddleware)."""
    if request.method == "POST":
        # knox stores only a hash: the page after this redirect is the one chance to see the token.
        # A redirect, so that reloading the page shows the list and creates nothing (R15).
        _instance, request.session[NEW_TOKEN_SESSION_KEY] = AuthToken.objects.create(user=request.user)
        return redirect("api_tokens")
    return render(
        request,
        "accounts/api_token_list.html",
        {
            "tokens": list(_own_tokens(request.user)),  # read once: the list and the new one's expiry
            "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
            "now": timezone.now(),
        },
    )


@require_POST
def api_token_revoke(request):
    """Revoke one of the user's own tokens; another user's is a 404 (R12)."""
    form = ApiTokenRevokeForm(request.POST)
    if not form.is_valid():
        raise Http404
    token = _own_tokens(request.user).filter(digest=form.cleaned_data["digest"]).first()
    if token is None:
        raise Http404
    prefix = token.token_key
    token.delete()
    messages.success(request, _("The API token %(prefix)s… was revoked.") % {"prefix": prefix})
    return redirect("api_tokens")
