#!/usr/bin/env python3
"""Generate request-signing test vectors from the official cloud SDKs.

Every vector is produced by the SDKs' own request path (client -> signer -> HTTP
library), with the clock and the nonce pinned and the network replaced by a stub at
`requests.Session.send`, so the recorded headers, path and query are exactly what the
SDK would put on the wire. The Swift signers in Sources/TTSArchiveCore/Auth must
reproduce every output byte.

    python3 -m venv /tmp/vec-venv
    /tmp/vec-venv/bin/pip install -r scripts/requirements-vectors.txt
    /tmp/vec-venv/bin/python scripts/gen_signer_vectors.py Tests/Fixtures/signer-vectors

Keys are fake (AKTESTEXAMPLE...); nothing here talks to a real cloud.
"""

import datetime as _dt
import importlib.metadata as md
import json
import os
import sys
import tempfile
from urllib.parse import unquote, urlsplit

# The SDKs read credentials and profiles from the environment and the home directory, and
# huaweicloudsdkcore writes an application id there: give them an empty, throw-away home
# so no real credential can end up in a vector and nothing outside /tmp is touched.
_HOME = tempfile.TemporaryDirectory(prefix="signer-vectors-home-")   # removed at exit
os.environ["HOME"] = _HOME.name
for _name in list(os.environ):
    if _name.startswith(("HUAWEICLOUD_", "CLOUD_SDK_", "ALIBABA_CLOUD_", "VOLC_")):
        del os.environ[_name]

import requests  # noqa: E402  (after the environment is cleaned)

FIXED = _dt.datetime(2025, 6, 9, 10, 48, 7)           # naive UTC, as the SDKs use it
FIXED_ISO = "2025-06-09T10:48:07Z"
NONCE = "3f6c1e0a9b2d4e7f8a1b2c3d4e5f6a7b"
HW_AK, HW_SK = "AKTESTEXAMPLE0000001", "SKTESTEXAMPLE0000000000000000000000000001"
HW_PROJECT = "0123456789abcdef0123456789abcdef"
ALI_AK, ALI_SK = "AKTESTEXAMPLE0000002", "SKTESTEXAMPLE0000000000000000002"
ALI_TOKEN = "STSTOKENTESTEXAMPLE0000000000000000000003"
VOLC_AK, VOLC_SK = "AKTESTEXAMPLE0000003", "SKTESTEXAMPLE000000000000000000000000003"

# Queries that exercise every encoding edge the issues name.
EDGE_QUERY = [("q", "a b"), ("plus", "1+1=2"), ("slash", "a/b"), ("tilde", "~user"),
              ("star", "x*y"), ("zh", "语音合成"), ("empty", ""), ("tag", "b"), ("tag", "a")]


# --------------------------------------------------------------------------- wire capture
class Wire:
    """Replaces the network: records the last prepared request and answers 200 {}."""
    last = None

    @staticmethod
    def send(session, prepared, **kwargs):
        Wire.last = prepared
        resp = requests.Response()
        resp.status_code = 200
        resp._content = b'{"RequestId":"TEST"}'
        resp.headers["Content-Type"] = "application/json"
        resp.url = prepared.url
        resp.request = prepared
        resp.encoding = "utf-8"
        return resp

    @staticmethod
    def split():
        parts = urlsplit(Wire.last.url)
        return parts.path, parts.query


requests.Session.send = Wire.send


def wire_header_value(v):
    # Huawei re-encodes values as UTF-8 bytes read as Latin-1 for `requests`; undo that
    # so the fixture holds the text whose UTF-8 bytes are on the wire.
    if isinstance(v, bytes):
        return v.decode("utf-8")
    try:
        return v.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return v


def wire_headers():
    """Every header the HTTP library would send, its own (Content-Length, Accept-Encoding, …)
    included: what a gateway sees, signed or not. The simulator's verifiers are checked on these."""
    return [[k, wire_header_value(str(v))] for k, v in Wire.last.headers.items()]


def pairs(d):
    return [[k, wire_header_value(str(v))] for k, v in d.items()]


def body_text(b):
    if b is None:
        return ""
    return b.decode("utf-8") if isinstance(b, bytes) else str(b)


# --------------------------------------------------------------------------- Huawei
def huawei_vectors():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.signer import signer as hw_signer
    from huaweicloudsdkmetastudio.v1 import MetaStudioClient, ShowTtsJobRequest

    class FixedDT(_dt.datetime):
        @classmethod
        def utcnow(cls):
            return FIXED
    hw_signer.datetime = FixedDT

    captured = {}
    orig_canon = hw_signer.Signer._process_canonical_request
    orig_sts = hw_signer.Signer._process_string_to_sign

    def canon(self, request, signed_headers):
        captured["canonical"] = orig_canon(self, request, signed_headers)
        return captured["canonical"]

    def sts(self, canonical_request, t):
        captured["sts"] = orig_sts(self, canonical_request, t)
        return captured["sts"]
    hw_signer.Signer._process_canonical_request = canon
    hw_signer.Signer._process_string_to_sign = sts

    orig_sign = hw_signer.Signer.sign

    def sign(self, request):
        out = orig_sign(self, request)
        captured["headers"] = dict(out.header_params)
        return out
    hw_signer.Signer.sign = sign

    def client(endpoint="https://metastudio.cn-north-4.myhuaweicloud.com"):
        creds = BasicCredentials(HW_AK, HW_SK, HW_PROJECT)
        # A fixed User-Agent suffix keeps the SDK from adding host details and a per-machine
        # application id (which it would also write to ~/.huaweicloud).
        config = HttpConfig.get_default_config()
        config.user_agent = "ttsarchive-vectors/1"
        return (MetaStudioClient.new_builder().with_http_config(config).with_credentials(creds)
                .with_endpoints([endpoint]).build())

    signer_added = {"host", "x-sdk-date", "authorization", "x-sdk-content-sha256"}

    def record(name, description, method, host, path):
        headers = captured["headers"]
        inputs = [[k, v] for k, v in pairs(headers)
                  if k.lower() not in signer_added
                  and not (k.lower() == "content-type" and v == "application/json")]
        wire_path, wire_query = Wire.split()
        return {
            "name": name, "description": description,
            "input": {"method": method, "scheme": "https", "host": host, "path": path,
                      "query": query_in, "headers": inputs, "body": body_text(Wire.last.body),
                      "ak": HW_AK, "sk": HW_SK, "date": FIXED_ISO},
            "output": {"headers": pairs(headers), "authorization": headers["Authorization"],
                       "canonical_request": captured["canonical"], "string_to_sign": captured["sts"],
                       "wire_path": wire_path, "wire_query": wire_query,
                       "wire_headers": wire_headers()},
        }

    out = []
    c = client()
    host = "metastudio.cn-north-4.myhuaweicloud.com"
    # 1. The real call: ShowTtsJob through the MetaStudio SDK.
    req = ShowTtsJobRequest(limit=100, offset=0, create_since="2025-06-09T00:00:00Z",
                            create_until="2025-06-09T23:59:59Z")
    c.show_tts_job(req)
    query_in = [["limit", "100"], ["offset", "0"], ["create_since", "2025-06-09T00:00:00Z"],
                ["create_until", "2025-06-09T23:59:59Z"]]
    out.append(record("show_tts_job", "MetaStudio ShowTtsJob via huaweicloudsdkmetastudio",
                      "GET", host, f"/v1/{HW_PROJECT}/ttsc/tts-jobs"))

    def generic(name, description, method, resource_path, path_params, query, headers=None, body=None,
                endpoint=None, host_=host):
        nonlocal query_in
        cl = client(endpoint) if endpoint else c
        query_in = [[k, v] for k, v in query]
        cl.do_http_request(method=method, resource_path=resource_path, path_params=dict(path_params),
                           query_params=list(query), header_params=dict(headers or {}), body=body,
                           response_type="ShowTtsJobResponse", collection_formats={})
        path = unquote(urlsplit(Wire.last.url).path)
        out.append(record(name, description, method, host_, path))

    qpath = "/v1/{project_id}/voice-training-manage/quotas"
    generic("quotas_no_query", "GET, no query, no trailing slash", "GET", qpath, {}, [])
    generic("quotas_trailing_slash", "GET, path with a trailing slash", "GET", qpath + "/", {},
            [("offset", "0"), ("limit", "10")])
    generic("edge_query", "spaces, +, /, ~, *, Chinese, empty value, repeated key", "GET",
            "/v1/{project_id}/ttsc/tts-jobs", {}, EDGE_QUERY)
    generic("edge_path_segment", "path parameter with space, ~, * and Chinese", "GET",
            "/v1/{project_id}/ttsc/tts-jobs/{job_id}", {"job_id": "job ~1*语音"}, [("job_id", "x")])
    generic("post_json_body", "POST with a JSON body", "POST", "/v1/{project_id}/ttsc/tts-jobs", {},
            [("dry_run", "true")], body=json.dumps({"text": "你好, world", "voice_asset_id": "a1"}, ensure_ascii=False))
    generic("post_empty_body", "POST with an empty body", "POST", "/v1/{project_id}/ttsc/tts-jobs/", {},
            [], body="")
    generic("post_empty_body_content_type", "POST with an empty body and a form Content-Type", "POST",
            "/v1/{project_id}/ttsc/tts-jobs", {}, [("dry_run", "true")],
            headers={"Content-Type": "application/x-www-form-urlencoded"}, body="")
    generic("unsigned_payload", "non-JSON Content-Type: UNSIGNED-PAYLOAD", "PUT",
            "/v1/{project_id}/files/{file}", {"file": "a.txt"}, [],
            headers={"Content-Type": "text/plain"}, body="plain text body\n")
    generic("header_rules", "header with '_' unsigned, padded value trimmed, non-ASCII value", "GET",
            "/v1/{project_id}/ttsc/tts-jobs", {}, [("limit", "1")],
            headers={"X-App-UserId": "  user-1  ", "X_Unsigned_Header": "kept", "X-Note": "语音"})
    generic("port_in_host", "endpoint with a port: Host keeps it", "GET",
            "/v1/{project_id}/ttsc/tts-jobs", {}, [("limit", "5")],
            endpoint="http://127.0.0.1:8080", host_="127.0.0.1:8080")
    out[-1]["input"]["scheme"] = "http"
    return out


# --------------------------------------------------------------------------- Alibaba
def alibaba_vectors():
    from alibabacloud_tea_openapi import utils as ali_utils
    from alibabacloud_tea_openapi.utils import Utils
    from alibabacloud_tea_openapi import utils_models as open_api_util_models
    from alibabacloud_tea_openapi import models as open_api_models
    from alibabacloud_ice20201109.client import Client as IceClient
    from alibabacloud_ice20201109 import models as ice_models
    from darabonba.core import DaraCore
    from darabonba.runtime import RuntimeOptions

    ua = "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2"
    Utils.get_timestamp = staticmethod(lambda: FIXED.strftime("%Y-%m-%dT%H:%M:%SZ"))
    Utils.get_nonce = staticmethod(lambda: NONCE)
    Utils.get_user_agent = staticmethod(lambda user_agent: ua)

    captured = {}
    orig_hash = Utils.hash
    orig_auth = Utils.get_authorization
    orig_sigm = ali_utils.signature_method

    def hash_(raw, sign_type):
        if captured.get("in_auth"):
            captured["canonical"] = raw.decode("utf-8")
        return orig_hash(raw, sign_type)

    def auth(request, sign_type, payload, ak, secret):
        captured["in_auth"] = True
        try:
            return orig_auth(request, sign_type, payload, ak, secret)
        finally:
            captured["in_auth"] = False

    def sigm(secret, source, sign_type):
        captured["sts"] = source
        return orig_sigm(secret, source, sign_type)
    Utils.hash = staticmethod(hash_)
    Utils.get_authorization = staticmethod(auth)
    ali_utils.signature_method = sigm

    orig_do_action = DaraCore.do_action

    def do_action(request, runtime_option=None):
        captured["headers"] = dict(request.headers)
        captured["query"] = [[k, str(v)] for k, v in request.query.items()]
        return orig_do_action(request, runtime_option)
    DaraCore.do_action = staticmethod(do_action)

    def client(token=None, endpoint="ice.cn-shanghai.aliyuncs.com"):
        cfg = open_api_models.Config(access_key_id=ALI_AK, access_key_secret=ALI_SK,
                                     security_token=token, endpoint=endpoint)
        return IceClient(cfg)

    signer_added = {"host", "x-acs-version", "x-acs-action", "x-acs-date", "x-acs-signature-nonce",
                    "x-acs-content-sha256", "x-acs-accesskey-id", "x-acs-security-token", "authorization"}

    def record(name, description, action, version, token=None):
        headers = captured["headers"]
        inputs = [[k, v] for k, v in pairs(headers)
                  if k.lower() not in signer_added
                  and not (k.lower() == "accept" and v == "application/json")]
        wire_path, wire_query = Wire.split()
        return {
            "name": name, "description": description,
            "input": {"method": Wire.last.method, "scheme": "https", "host": headers["host"],
                      "path": unquote(wire_path), "query": captured["query"], "headers": inputs,
                      "body": body_text(Wire.last.body), "ak": ALI_AK, "sk": ALI_SK,
                      "security_token": token, "date": FIXED_ISO, "nonce": NONCE,
                      "action": action, "version": version},
            "output": {"headers": pairs(headers), "authorization": headers["Authorization"],
                       "canonical_request": captured["canonical"], "string_to_sign": captured["sts"],
                       "wire_path": wire_path, "wire_query": wire_query,
                       "wire_headers": wire_headers()},
        }

    out = []
    rt = RuntimeOptions()
    c = client()
    for type_ in ("Basic", "Standard"):
        c.list_customized_voice_jobs_with_options(
            ice_models.ListCustomizedVoiceJobsRequest(page_no=1, page_size=100, type=type_), rt)
        out.append(record(f"list_customized_voice_jobs_{type_.lower()}",
                          "ICE ListCustomizedVoiceJobs via alibabacloud_ice20201109",
                          "ListCustomizedVoiceJobs", "2020-11-09"))
    c_tok = client(token=ALI_TOKEN)
    c_tok.list_customized_voice_jobs_with_options(
        ice_models.ListCustomizedVoiceJobsRequest(page_no=2, page_size=50, type="Standard"), rt)
    out.append(record("list_customized_voice_jobs_sts", "with an STS security token",
                      "ListCustomizedVoiceJobs", "2020-11-09", token=ALI_TOKEN))

    def generic(name, description, query, body=None, method="POST", headers=None):
        params = open_api_util_models.Params(
            action="ListCustomizedVoiceJobs", version="2020-11-09", protocol="HTTPS", pathname="/",
            method=method, auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
        req = open_api_util_models.OpenApiRequest(query=Utils.query(query), body=body, headers=headers)
        c.call_api(params, req, rt)
        out.append(record(name, description, "ListCustomizedVoiceJobs", "2020-11-09"))

    generic("edge_query", "spaces, +, /, ~, *, Chinese, empty value",
            dict((k, v) for k, v in EDGE_QUERY if k != "tag"))
    generic("repeated_key", "a list parameter, flattened by the SDK to Tag.1, Tag.2",
            {"Tag": ["b b", "a+a"], "PageNo": 1})
    generic("form_body", "formData body (content-type set by the SDK)", {"PageNo": 1},
            body={"Name": "声音 1", "Remark": "a&b=c"})
    generic("no_query_get", "GET without a query", {}, method="GET")
    generic("post_empty_body_content_type", "POST with an empty body and a content-type header",
            {"PageNo": 1, "PageSize": 10, "Type": "Basic"},
            headers={"content-type": "application/x-www-form-urlencoded"})
    return out


# --------------------------------------------------------------------------- Volcengine
def volcengine_vectors():
    from volcengine.ApiInfo import ApiInfo
    from volcengine.auth.SignerV4 import SignerV4
    from volcengine.util.Util import Util
    from volcengine.vms.VmsService import VmsService

    SignerV4.get_current_format_date = staticmethod(lambda: FIXED.strftime("%Y%m%dT%H%M%SZ"))
    captured = {}
    orig_sha = Util.sha256
    orig_hmac = Util.hmac_sha256
    orig_hcr = SignerV4.hashed_canonical_request_v4

    def sha(content):
        if captured.get("in_hcr") and isinstance(content, str):
            captured["canonical"] = content
        return orig_sha(content)

    def hmac_(key, content):
        captured["sts"] = content     # the last HMAC is over the string to sign
        return orig_hmac(key, content)

    def hcr(request, meta):
        captured["in_hcr"] = True
        try:
            return orig_hcr(request, meta)
        finally:
            captured["in_hcr"] = False
    Util.sha256 = staticmethod(sha)
    Util.hmac_sha256 = staticmethod(hmac_)
    SignerV4.hashed_canonical_request_v4 = staticmethod(hcr)

    orig_sign = SignerV4.sign

    def sign(request, credentials):
        captured["query"] = [[k, x] for k, v in request.query.items()
                             for x in (v if isinstance(v, list) else [v])]
        r = orig_sign(request, credentials)
        captured["headers"] = dict(request.headers)
        captured["path"] = request.path
        return r
    SignerV4.sign = staticmethod(sign)

    svc = VmsService()
    svc.set_ak(VOLC_AK)
    svc.set_sk(VOLC_SK)
    version = "2022-01-01"
    svc.api_info["QueryUsableResourceV2"] = ApiInfo(
        "GET", "/", {"Action": "QueryUsableResourceV2", "Version": version}, {}, {})

    signer_added = {"host", "x-date", "x-content-sha256", "x-security-token", "authorization"}

    def record(name, description, method):
        headers = captured["headers"]
        creds = svc.service_info.credentials
        inputs = [[k, v] for k, v in pairs(headers) if k.lower() not in signer_added]
        wire_path, wire_query = Wire.split()
        return {
            "name": name, "description": description,
            "input": {"method": method, "scheme": "https", "host": headers["Host"],
                      "path": captured["path"], "query": captured["query"], "headers": inputs,
                      "body": body_text(Wire.last.body), "ak": VOLC_AK, "sk": VOLC_SK,
                      "date": FIXED_ISO, "region": creds.region, "service": creds.service},
            "output": {"headers": pairs(headers), "authorization": headers["Authorization"],
                       "canonical_request": captured["canonical"], "string_to_sign": captured["sts"],
                       "wire_path": wire_path, "wire_query": wire_query,
                       "wire_headers": wire_headers()},
        }

    out = []
    for region in ("cn-north-1", "cn-beijing"):
        svc.service_info.credentials.region = region
        for t in ("0", "1", "2"):
            svc.get("QueryUsableResourceV2", {"Type": t}, doseq=1)
            out.append(record(f"query_usable_resource_v2_type{t}_{region}",
                              f"VMS QueryUsableResourceV2 Type={t}, region {region}", "GET"))
    svc.service_info.credentials.region = "cn-north-1"

    def api(name, method, path):
        svc.api_info[name] = ApiInfo(method, path, {"Action": name, "Version": version}, {}, {})

    api("EdgeQuery", "GET", "/")
    q = {}
    for k, v in EDGE_QUERY:
        q.setdefault(k, []).append(v)
    svc.get("EdgeQuery", {k: (v if len(v) > 1 else v[0]) for k, v in q.items()}, doseq=1)
    out.append(record("edge_query", "spaces, +, /, ~, *, Chinese, empty value, repeated key (in order)", "GET"))

    api("EdgePath", "GET", "/top dir/语音/a~b*c/")
    svc.get("EdgePath", {"k": "v"}, doseq=1)
    out.append(record("edge_path_trailing_slash", "path with space, Chinese, ~, * and a trailing slash", "GET"))
    api("PlainPath", "GET", "/v1/resources")
    svc.get("PlainPath", {}, doseq=1)
    out.append(record("path_no_trailing_slash", "path without a trailing slash", "GET"))

    api("FormPost", "POST", "/")
    svc.post("FormPost", {"Type": "0"}, {"Name": "声音 1", "Remark": "a&b=c"})
    out.append(record("post_form", "POST with a form body (SDK sets Content-Type)", "POST"))
    api("EmptyPost", "POST", "/")
    svc.post("EmptyPost", {"Type": "0"}, {})
    out.append(record("post_empty_body_content_type", "POST with an empty body (SDK sets Content-Type)", "POST"))
    api("JsonPost", "POST", "/")
    svc.json("JsonPost", {}, json.dumps({"Type": 1, "Text": "你好"}, ensure_ascii=False))
    out.append(record("post_json", "POST with a JSON body", "POST"))

    svc.service_info.host = "cloud-vms.volcengineapi.com:443"
    svc.get("QueryUsableResourceV2", {"Type": "0"}, doseq=1)
    out.append(record("host_with_default_port", "Host with :443: the signed host drops the port", "GET"))
    svc.service_info.host = "127.0.0.1:8443"
    svc.get("QueryUsableResourceV2", {"Type": "0"}, doseq=1)
    out.append(record("host_with_other_port", "Host with a non-default port keeps it", "GET"))
    return out


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/signer-vectors"
    os.makedirs(target, exist_ok=True)
    jobs = [
        ("huawei.json", huawei_vectors, ["huaweicloudsdkcore", "huaweicloudsdkmetastudio"]),
        ("alibaba.json", alibaba_vectors, ["alibabacloud-tea-openapi", "alibabacloud-ice20201109",
                                           "darabonba-core"]),
        ("volcengine.json", volcengine_vectors, ["volcengine"]),
    ]
    for filename, fn, packages in jobs:
        doc = {
            "generator": "scripts/gen_signer_vectors.py",
            "sdk": {p: md.version(p) for p in packages + ["requests"]},
            "vectors": fn(),
        }
        with open(os.path.join(target, filename), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=2)
            f.write("\n")
        print(f"{filename}: {len(doc['vectors'])} vectors")


if __name__ == "__main__":
    main()
