"""The static website endpoint (``{bucket}.s3-website-REGION.amazonaws.com``) through the real server:
requests with the website Host header sent to the server's own address, buckets and objects made with boto3.

Recordings: LocalStack tests/aws/services/s3/test_s3.py, class TestS3StaticWebsiteHosting ("LS-AWS s3",
validated against AWS 2026-02-21); the HTML pages are compared with test_s3.snapshot.json's text, ids aside.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
import requests

BUCKET = "web-site"
IDS = re.compile(r"(RequestId|HostId): (.*?)</li>")


class Site:
    """A bucket's website as a browser sees it: every request goes to the server's address with the
    website name as its Host; redirects are followed while they stay on a website of this server."""

    def __init__(self, endpoint: str, bucket: str, suffix: str) -> None:
        self.endpoint = endpoint
        self.host = f"{bucket}.{suffix}"
        self.url = f"http://{self.host}"
        self.suffix = suffix

    def request(
        self, path: str = "/", method: str = "GET", follow: bool = False, **kwargs: object
    ) -> requests.Response:
        host = self.host
        for _ in range(5):  # bounded: a redirect loop fails the test
            headers = {"Host": host, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
            response = requests.request(
                method, self.endpoint + path, headers=headers, allow_redirects=False, timeout=10, **kwargs
            )
            location = response.headers.get("Location")
            if not follow or response.status_code not in (301, 302, 307) or location is None:
                return response
            target = urlsplit(location)
            if target.netloc:
                assert target.netloc.endswith("." + self.suffix), location
                host = target.netloc
            path = target.path or "/"
        raise AssertionError("too many redirects")


def page(response: requests.Response) -> str:
    """The page's text with its ids replaced as LocalStack's transformers do, once they are checked to be
    the answer's own x-amz-request-id and x-amz-id-2."""
    ids = dict(IDS.findall(response.text))
    assert ids == {
        "RequestId": response.headers["x-amz-request-id"],
        "HostId": response.headers["x-amz-id-2"],
    }
    return response.text.replace(ids["RequestId"], "<request-id>").replace(ids["HostId"], "<host-id>")


def error_page(title: str, items: list[str], document_items: list[str] | None = None) -> str:
    """S3's HTML error page as recorded: the list, then the error document's own list if any."""
    lines = [
        "<html>",
        f"<head><title>{title}</title></head>",
        "<body>",
        f"<h1>{title}</h1>",
        "<ul>",
        *(f"<li>{item}</li>" for item in items),
        "<li>RequestId: <request-id></li>",
        "<li>HostId: <host-id></li>",
        "</ul>",
    ]
    if document_items is not None:
        lines += [
            "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>",
            "<ul>",
            *(f"<li>{item}</li>" for item in document_items),
            "</ul>",
        ]
    return "\n".join([*lines, "<hr/>", "</body>", "</html>", ""])


NO_SUCH_KEY = ["Code: NoSuchKey", "Message: The specified key does not exist."]


def public_bucket(s3, bucket: str) -> None:
    """As the recordings set their buckets up (LocalStack's ``allow_bucket_acl`` fixture, then a
    public-read bucket ACL): ACLs take effect, nothing blocks public access, anyone may list."""
    s3.create_bucket(Bucket=bucket)
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    public_bucket(s3mpu_client, BUCKET)
    return s3mpu_client


@pytest.fixture
def site(s3mpu, s3) -> Site:
    return Site(s3mpu.endpoint_url, BUCKET, f"s3-website-{s3mpu.region}.amazonaws.com")


def put(s3, key: str, body: str = "", **extra: str) -> dict:
    """An object anyone may read, as the recordings put theirs (ACL public-read)."""
    return s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode(), **{"ACL": "public-read", **extra})


def configure(s3, **config: object) -> None:
    s3.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration=config)


INDEX = {"Suffix": "index.html"}
ERROR = {"Key": "error.html"}


def test_no_such_bucket_and_no_website_configuration(s3mpu, site):
    """[LS-AWS s3: test_website_hosting_no_such_website, recorded 2026-02-21] a bucket that does not exist
    and a bucket without a website configuration answer 404 HTML pages naming the bucket, for any path."""
    other = Site(s3mpu.endpoint_url, "non-existent-bucket-1a2b", f"s3-website.{s3mpu.region}.amazonaws.com")
    response = other.request("/")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page(response) == error_page(
        "404 Not Found",
        [
            "Code: NoSuchBucket",
            "Message: The specified bucket does not exist",
            "BucketName: non-existent-bucket-1a2b",
        ],
    )
    unconfigured = error_page(
        "404 Not Found",
        [
            "Code: NoSuchWebsiteConfiguration",
            "Message: The specified bucket does not have a website configuration",
            f"BucketName: {BUCKET}",
        ],
    )
    for path in ("/", "/actual/key.html"):
        response = site.request(path)
        assert response.status_code == 404
        assert page(response) == unconfigured


def test_only_get_and_head(s3, site):
    """[LS-AWS s3: test_website_hosting_http_methods, recorded 2026-02-21] POST and DELETE answer 405
    MethodNotAllowed (ResourceType OBJECT) as an HTML page, and still do once an ErrorDocument exists:
    it serves 4xx errors but not this one."""
    configure(s3, IndexDocument=INDEX)
    for method in ("POST", "DELETE"):
        response = site.request("/", method, data=b"test")
        assert response.status_code == 405
        assert page(response) == error_page(
            "405 Method Not Allowed",
            [
                "Code: MethodNotAllowed",
                "Message: The specified method is not allowed against this resource.",
                f"Method: {method}",
                "ResourceType: OBJECT",
            ],
        )
    configure(s3, IndexDocument=INDEX, ErrorDocument=ERROR)
    put(s3, "error.html", "error", ContentType="text/html")
    assert site.request("/", "POST", data=b"test").status_code == 405
    assert s3.get_object(Bucket=BUCKET, Key="error.html")["Body"].read() == b"error"


def test_index_document_lookup(s3, site):
    """[LS-AWS s3: test_website_hosting_index_lookup, recorded 2026-02-21] ``/`` and ``dir/`` serve the
    index document under them; ``dir`` is 302 to ``/dir/`` when that has an index; a missing one is 404
    NoSuchKey naming the key looked up (``dir-wrong`` as asked, ``dir-wrong/index.html`` with the slash)."""
    configure(s3, IndexDocument=INDEX)
    put(s3, "index.html", "index", ContentType="text/html")
    response = site.request("/")
    assert (response.status_code, response.text) == (200, "index")
    put(s3, "directory/index.html", "index", ContentType="text/html")
    response = site.request("/directory")
    assert response.status_code == 302
    assert response.headers["Location"] == "/directory/"
    assert response.content == b""
    response = site.request("/directory/")
    assert (response.status_code, response.text) == (200, "index")
    for path, key in (
        ("/directory-wrong", "directory-wrong"),
        ("/directory-wrong/", "directory-wrong/index.html"),
    ):
        response = site.request(path)
        assert response.status_code == 404
        assert page(response) == error_page("404 Not Found", [*NO_SUCH_KEY, f"Key: {key}"])


def test_error_document(s3, site):
    """[LS-AWS s3: test_website_hosting_404, recorded 2026-02-21] a missing key is a NoSuchKey page; with an
    ErrorDocument that does not exist, the page adds why it could not be served; once it exists, it is
    served with the 404 status."""
    configure(s3, IndexDocument=INDEX)
    response = site.request("/")
    assert response.status_code == 404
    assert page(response) == error_page("404 Not Found", [*NO_SUCH_KEY, "Key: index.html"])
    configure(s3, IndexDocument=INDEX, ErrorDocument=ERROR)
    response = site.request("/")
    assert response.status_code == 404
    assert page(response) == error_page(
        "404 Not Found", [*NO_SUCH_KEY, "Key: index.html"], [*NO_SUCH_KEY, "Key: error.html"]
    )
    put(s3, "error.html", "error", ContentType="text/html")
    response = site.request("/")
    assert (response.status_code, response.text) == (404, "error")


def test_objects_served_as_get_object(s3, site):
    """[LS-AWS s3: test_s3_static_website_hosting, recorded 2026-02-21] an object is served with its
    Content-Type and ETag, If-None-Match answers 304, ``/test`` reaches ``test/index.html``, a missing key
    and ``/`` (no index.html) serve the error document with 404, and an object's website redirect
    location is a 301 to it."""
    index = put(s3, "test/index.html", "index", ContentType="text/html")
    error = put(s3, "test/error.html", "error", ContentType="text/html")
    actual = put(s3, "actual/key.html", "key", ContentType="text/html")
    script = put(
        s3, "with-content-type/key.js", "some js", ContentType="application/javascript; charset=utf-8"
    )
    put(s3, "to-be-redirected.html", WebsiteRedirectLocation="/actual/key.html")
    configure(s3, IndexDocument=INDEX, ErrorDocument={"Key": "test/error.html"})
    response = site.request("/actual/key.html")
    assert (response.status_code, response.text) == (200, "key")
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["ETag"] == actual["ETag"]
    assert site.request("/actual/key.html", headers={"If-None-Match": actual["ETag"]}).status_code == 304
    response = site.request("/with-content-type/key.js")
    assert (response.status_code, response.text) == (200, "some js")
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["ETag"] == script["ETag"]
    response = site.request("/test", follow=True)
    assert (response.status_code, response.text, response.headers["ETag"]) == (200, "index", index["ETag"])
    for path in ("/", "/something"):
        response = site.request(path)
        assert (response.status_code, response.text) == (404, "error")
        assert response.headers["ETag"] == error["ETag"]
        assert "text/html" in response.headers["Content-Type"]
    response = site.request("/to-be-redirected.html")
    assert response.status_code == 301
    assert response.headers["Location"] == "/actual/key.html"
    response = site.request("/to-be-redirected.html", follow=True)
    assert (response.status_code, response.headers["ETag"]) == (200, actual["ETag"])


def test_head_has_no_body(s3, site):
    """HEAD is served as GET without a body, errors too (the website endpoint answers GET and HEAD:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html)."""
    configure(s3, IndexDocument=INDEX)
    put(s3, "index.html", "index", ContentType="text/html")
    response = site.request("/", "HEAD")
    assert (response.status_code, response.content, response.headers["Content-Length"]) == (200, b"", "5")
    response = site.request("/missing", "HEAD")
    assert (response.status_code, response.content) == (404, b"")


def test_error_document_redirect_loses_the_status(s3, site):
    """[LS-AWS s3: test_object_website_redirect_location, recorded 2026-02-21] an error document with a
    website redirect location redirects, so the page it leads to answers 200."""
    configure(s3, IndexDocument=INDEX, ErrorDocument=ERROR)
    put(s3, "index.html", WebsiteRedirectLocation="/another/index.html")
    put(s3, "error.html", "error_redirected", WebsiteRedirectLocation="/another/error.html")
    put(s3, "another/error.html", "error")
    response = site.request("/", follow=True)
    assert (response.status_code, response.text) == (200, "error")


def test_routing_rule_conditions(s3, site):
    """[LS-AWS s3: test_routing_rules_conditions, recorded 2026-02-21] a rule on HttpErrorCodeReturnedEquals
    redirects a missing key (301 to the same website) before the ErrorDocument is tried; a KeyPrefixEquals
    rule redirects before the lookup; both conditions must hold together."""
    configure(
        s3,
        IndexDocument=INDEX,
        ErrorDocument=ERROR,
        RoutingRules=[
            {
                "Condition": {"KeyPrefixEquals": "both-prefixed/", "HttpErrorCodeReturnedEquals": "404"},
                "Redirect": {"ReplaceKeyWith": "redirected-both.html"},
            },
            {"Condition": {"KeyPrefixEquals": "prefixed"}, "Redirect": {"ReplaceKeyWith": "redirected.html"}},
            {
                "Condition": {"HttpErrorCodeReturnedEquals": "404"},
                "Redirect": {"ReplaceKeyWith": "redirected.html"},
            },
        ],
    )
    put(s3, "redirected.html", "redirected")
    put(s3, "prefixed-key-test", "prefixed")
    put(s3, "redirected-both.html", "redirected-both")
    response = site.request("/non-existent-key")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{site.url}/redirected.html"
    assert site.request("/non-existent-key", follow=True).text == "redirected"
    put(s3, "error.html", "error")
    for path, text in (
        ("/non-existent-key", "redirected"),
        ("/prefixed-key-test", "redirected"),
        ("/both-prefixed/", "redirected-both"),
    ):
        response = site.request(path, follow=True)
        assert (response.status_code, response.text) == (200, text)


def test_routing_rule_redirects(s3, site):
    """[LS-AWS s3: test_routing_rules_redirects, recorded 2026-02-21] a rule's HostName, Protocol,
    ReplaceKeyPrefixWith and HttpRedirectCode shape the redirect; what it does not name is the request's."""
    configure(
        s3,
        IndexDocument=INDEX,
        ErrorDocument=ERROR,
        RoutingRules=[
            {"Condition": {"KeyPrefixEquals": "host/"}, "Redirect": {"HostName": "random-hostname"}},
            {
                "Condition": {"KeyPrefixEquals": "replace-prefix/"},
                "Redirect": {"ReplaceKeyPrefixWith": "replaced-prefix/"},
            },
            {"Condition": {"KeyPrefixEquals": "protocol/"}, "Redirect": {"Protocol": "https"}},
            {"Condition": {"KeyPrefixEquals": "code/"}, "Redirect": {"HttpRedirectCode": "307"}},
        ],
    )
    response = site.request("/host/key")
    assert (response.status_code, response.headers["Location"]) == (301, "http://random-hostname/host/key")
    response = site.request("/replace-prefix/key")
    assert (response.status_code, response.headers["Location"]) == (301, f"{site.url}/replaced-prefix/key")
    response = site.request("/protocol/key")
    assert (response.status_code, response.headers["Location"]) == (301, f"https://{site.host}/protocol/key")
    assert site.request("/code/key").status_code == 307


def test_routing_rule_empty_replace_prefix(s3, site):
    """[LS-AWS s3: test_routing_rules_empty_replace_prefix, recorded 2026-02-21] an empty
    ReplaceKeyPrefixWith removes the matched prefix; a path no rule matches gets the error document."""
    for key in ("index.html", "test.html", "error.html"):
        put(s3, key, key.removesuffix(".html"))
    put(s3, "mydocs/test.html", "mydocs")
    configure(
        s3,
        IndexDocument=INDEX,
        ErrorDocument=ERROR,
        RoutingRules=[
            {"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"ReplaceKeyPrefixWith": ""}},
            {"Condition": {"KeyPrefixEquals": "another/path/"}, "Redirect": {"ReplaceKeyPrefixWith": ""}},
        ],
    )
    for path, text in (
        ("/docs/test.html", "test"),
        ("/another/path/test.html", "test"),
        ("/docs/mydocs/test.html", "mydocs"),
    ):
        response = site.request(path, follow=True)
        assert (response.status_code, response.text) == (200, text)
    response = site.request("/docs2/test.html", follow=True)
    assert (response.status_code, response.text) == (404, "error")


def test_routing_rules_before_object_redirects_not_for_root(s3, site):
    """[LS-AWS s3: test_routing_rules_order, recorded 2026-02-21] a routing rule wins over the object's own
    website redirect location; ``/`` is matched as the empty path, not as its index document."""
    configure(
        s3,
        IndexDocument=INDEX,
        ErrorDocument=ERROR,
        RoutingRules=[
            {"Condition": {"KeyPrefixEquals": "prefix"}, "Redirect": {"ReplaceKeyWith": "redirected.html"}},
            {"Condition": {"KeyPrefixEquals": "index"}, "Redirect": {"ReplaceKeyWith": "redirected.html"}},
        ],
    )
    put(s3, "index.html", "index")
    put(s3, "redirected.html", "redirected")
    put(s3, "website-redirected.html", "website-redirected")
    put(s3, "prefixed-key-test", "prefixed", WebsiteRedirectLocation="/website-redirected.html")
    response = site.request("/prefixed-key-test", follow=True)
    assert (response.status_code, response.text) == (200, "redirected")
    response = site.request("/", follow=True)
    assert (response.status_code, response.text) == (200, "index")


def test_redirect_all_requests(s3mpu, s3, site):
    """[LS-AWS s3: test_website_hosting_redirect_all, recorded 2026-02-21] RedirectAllRequestsTo answers
    301 with an empty body to the same path on the host named; the site there answers as its own."""
    public_bucket(s3, "web-target")
    target = Site(s3mpu.endpoint_url, "web-target", site.suffix)
    configure(s3, RedirectAllRequestsTo={"HostName": target.host})
    s3.put_bucket_website(Bucket="web-target", WebsiteConfiguration={"IndexDocument": INDEX})
    s3.put_object(
        Bucket="web-target", Key="index.html", Body=b"index", ContentType="text/html", ACL="public-read"
    )
    response = site.request("/")
    assert (response.status_code, response.content) == (301, b"")
    assert response.headers["Location"] == f"{target.url}/"
    response = site.request("/", follow=True)
    assert (response.status_code, response.content) == (200, b"index")
    assert site.request("/random-key", follow=True).status_code == 404


def test_local_website_name(s3mpu, s3):
    """``{bucket}.s3-website.localhost`` is the website too (the double's local name, README), and
    ``{bucket}.localhost`` stays the REST endpoint (an S3 GetObject)."""
    configure(s3, IndexDocument=INDEX)
    put(s3, "index.html", "index")
    local = Site(s3mpu.endpoint_url, BUCKET, "s3-website.localhost")
    response = local.request("/")
    assert (response.status_code, response.text) == (200, "index")
    rest = requests.get(
        f"{s3mpu.endpoint_url}/index.html", headers={"Host": f"{BUCKET}.localhost"}, timeout=10
    )
    assert (rest.status_code, rest.text) == (200, "index")


DENIED = ["Code: AccessDenied", "Message: Access Denied"]


def test_objects_must_be_public(s3, site):
    """The website endpoint is anonymous: an object without a public-read ACL is 403 AccessDenied, as an
    HTML page, and the error document is served with that status (AWS user guide, "Setting permissions for
    website access" and "Configuring a custom error document":
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteAccessPermissionsReqd.html)."""
    configure(s3, IndexDocument=INDEX)
    put(s3, "index.html", "index", ACL="private")
    response = site.request("/")
    assert response.status_code == 403
    assert page(response) == error_page("403 Forbidden", DENIED)
    configure(s3, IndexDocument=INDEX, ErrorDocument=ERROR)
    put(s3, "error.html", "error")
    response = site.request("/")
    assert (response.status_code, response.text) == (403, "error")
    put(s3, "error.html", "error", ACL="private")
    response = site.request("/missing")
    assert response.status_code == 404
    assert page(response) == error_page("404 Not Found", [*NO_SUCH_KEY, "Key: missing"], DENIED)


def test_bucket_policy_public_read(s3mpu, s3mpu_client):
    """With ACLs disabled (BucketOwnerEnforced, S3's default) a bucket policy granting anyone s3:GetObject
    makes objects public (the policy the user guide gives for a website); without s3:ListBucket a missing
    key is 403, not 404 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteAccessPermissionsReqd.html)."""
    s3 = s3mpu_client
    s3.create_bucket(Bucket=BUCKET)
    s3.delete_public_access_block(Bucket=BUCKET)
    site = Site(s3mpu.endpoint_url, BUCKET, f"s3-website-{s3mpu.region}.amazonaws.com")
    configure(s3, IndexDocument=INDEX)
    s3.put_object(Bucket=BUCKET, Key="index.html", Body=b"index")
    assert site.request("/").status_code == 403
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
    }
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    response = site.request("/")
    assert (response.status_code, response.text) == (200, "index")
    response = site.request("/missing")
    assert response.status_code == 403
    assert page(response) == error_page("403 Forbidden", DENIED)
    listing = {**statement, "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}
    document = {"Version": "2012-10-17", "Statement": [statement, listing]}
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(document))
    response = site.request("/missing")
    assert response.status_code == 404
    assert page(response) == error_page("404 Not Found", [*NO_SUCH_KEY, "Key: missing"])


@pytest.mark.s3mpu(auth="sigv4")
def test_website_requests_are_not_signed(s3, site):
    """With signature verification on, the website, which browsers reach without credentials, still
    answers (it is anonymous: AWS user guide,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html, "Key differences"); an
    unsigned REST request is judged as anonymous too, so it reads the public object and is refused the
    private one, which the website refuses as well."""
    configure(s3, IndexDocument=INDEX)
    put(s3, "index.html", "index")
    s3.put_object(Bucket=BUCKET, Key="private.html", Body=b"secret")
    response = site.request("/")
    assert (response.status_code, response.text) == (200, "index")
    assert site.request("/private.html").status_code == 403
    public = requests.get(f"{site.endpoint}/{BUCKET}/index.html", timeout=10)
    assert (public.status_code, public.text) == (200, "index")
    private = requests.get(f"{site.endpoint}/{BUCKET}/private.html", timeout=10)
    assert private.status_code == 403
