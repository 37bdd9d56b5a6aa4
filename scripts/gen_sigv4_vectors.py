#!/usr/bin/env python3
"""Generate AWS Signature Version 4 (S3) test vectors from botocore, the signer boto3 uses.

Each vector is what a real boto3 S3 client puts on the wire for one call (path-style
addressing, payload signing on, as ttsarchive signs), with the clock pinned and the network
replaced by botocore's own `before-send` hook, which answers every request without sending it.
The Swift signer (Sources/TTSArchiveCore/Auth/S3Signer.swift) must reproduce the
`Authorization` header byte for byte from the recorded method, path, query, headers and
payload hash.

    python3 scripts/gen_sigv4_vectors.py Tests/Fixtures/signer-vectors

Keys are fake; nothing here talks to a real object store.
"""

import base64
import datetime as _dt
import importlib.metadata as md
import json
import os
import sys
import tempfile
from unittest import mock

_HOME = tempfile.TemporaryDirectory(prefix="sigv4-vectors-home-")
os.environ["HOME"] = _HOME.name
for _name in list(os.environ):
    if _name.startswith(("AWS_", "BOTO")):
        del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = os.path.join(_HOME.name, "config")
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(_HOME.name, "credentials")

import boto3  # noqa: E402
import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402

FIXED = _dt.datetime(2025, 6, 9, 10, 48, 7, tzinfo=_dt.timezone.utc)
AK, SK = "AKIDTESTEXAMPLE00001", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLE+session/token="
SIGNER_OWN = {"authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"}


class Wire:
    last = None

    @staticmethod
    def send(request, **kwargs):
        Wire.last = request
        body = b"<?xml version='1.0'?><R/>"
        return AWSResponse(request.url, 200, {"ETag": '"0"', "Content-Length": str(len(body))},
                           mock.Mock(stream=lambda: [body], read=lambda *a: body))


def client(endpoint, region, token=None):
    c = boto3.client(
        "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=AK,
        aws_secret_access_key=SK, aws_session_token=token,
        config=Config(s3={"addressing_style": "path", "payload_signing_enabled": True},
                      request_checksum_calculation="when_required",
                      response_checksum_validation="when_required",
                      retries={"max_attempts": 1}))
    c.meta.events.register("before-send", Wire.send)
    return c


def capture(name, c, region, call):
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: FIXED.replace(tzinfo=None)):
        try:
            call(c)
        except Exception:
            pass  # the fake answer may not parse as this operation's output; the request is what counts
    r = Wire.last
    from urllib.parse import urlsplit
    u = urlsplit(r.url)
    headers = [[k, v.decode() if isinstance(v, bytes) else v] for k, v in r.headers.items()]
    auth = next(v for k, v in headers if k.lower() == "authorization")
    signed = set(auth.split("SignedHeaders=")[1].split(",")[0].split(";"))
    body = r.body if isinstance(r.body, bytes) else (r.body or b"")
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    return {
        "name": name,
        "region": region,
        "date": "2025-06-09T10:48:07Z",
        "method": r.method,
        "scheme": u.scheme,
        "host": u.netloc,
        "wire_path": u.path,
        "wire_query": u.query,
        "session_token": next((v for k, v in headers if k.lower() == "x-amz-security-token"), None),
        # What the caller hands the signer: the headers botocore signed (its own aside) and the
        # User-Agent, which it must leave unsigned; the SDK's bookkeeping headers (invocation
        # id, Content-Length) are added after signing, so they are not inputs.
        "input_headers": [h for h in headers if h[0].lower() in signed - SIGNER_OWN - {"host"} or h[0].lower() == "user-agent"],
        "wire_headers": headers,
        "payload_sha256": next(v for k, v in headers if k.lower() == "x-amz-content-sha256"),
        "body_len": len(body),
        # The body itself, so a gateway-side check can hash what would arrive.
        "body_b64": base64.b64encode(body).decode(),
        "expected": {
            "x-amz-date": next(v for k, v in headers if k.lower() == "x-amz-date"),
            "authorization": next(v for k, v in headers if k.lower() == "authorization"),
        },
    }


def main(out_dir):
    key = "archive/sha256/ab/" + "ab" * 32 + ".gz"
    vectors = []
    local, seaweed = "http://127.0.0.1:8333", "https://obs.cn-north-4.myhuaweicloud.com"
    for endpoint, region in [(local, "us-east-1"), (seaweed, "cn-north-4")]:
        c = client(endpoint, region)
        tag = region
        vectors.append(capture(f"head-object {tag}", c, region, lambda c: c.head_object(Bucket="tts-archive", Key=key)))
        vectors.append(capture(f"get-object range {tag}", c, region, lambda c: c.get_object(Bucket="tts-archive", Key=key, Range="bytes=8388608-16777215")))
        vectors.append(capture(f"put-object conditional {tag}", c, region, lambda c: c.put_object(
            Bucket="tts-archive", Key=key, Body=b"\x1f\x8b\x08\x00" + bytes(range(256)) * 3, IfNoneMatch="*",
            ContentType="application/gzip", ContentMD5="Tz9Oa1Hy2GRBDPh+M0iOSw==", Metadata={"content-sha256": "ab" * 32})))
        vectors.append(capture(f"put-object empty {tag}", c, region, lambda c: c.put_object(Bucket="tts-archive", Key="archive/STORE", Body=b"")))
        vectors.append(capture(f"create-multipart {tag}", c, region, lambda c: c.create_multipart_upload(Bucket="tts-archive", Key=key, ContentType="application/gzip")))
        vectors.append(capture(f"upload-part {tag}", c, region, lambda c: c.upload_part(
            Bucket="tts-archive", Key=key, PartNumber=2, UploadId="VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA--/+=", Body=b"p" * 4096)))
        vectors.append(capture(f"complete-multipart {tag}", c, region, lambda c: c.complete_multipart_upload(
            Bucket="tts-archive", Key=key, UploadId="abc def+/=", IfNoneMatch="*",
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"aa"'}, {"PartNumber": 2, "ETag": '"bb"'}]})))
        vectors.append(capture(f"abort-multipart {tag}", c, region, lambda c: c.abort_multipart_upload(Bucket="tts-archive", Key=key, UploadId="abc")))
        vectors.append(capture(f"list-objects-v2 {tag}", c, region, lambda c: c.list_objects_v2(
            Bucket="tts-archive", Prefix="archive/sha256/", MaxKeys=1000, ContinuationToken="1/ab+cd==~x y", StartAfter="archive/sha256/00")))
        vectors.append(capture(f"delete-object {tag}", c, region, lambda c: c.delete_object(Bucket="tts-archive", Key="archive/locks/shard-0-of-3.json")))
        vectors.append(capture(f"key with unicode and spaces {tag}", c, region, lambda c: c.head_object(Bucket="tts-archive", Key="manifests/语音 a+b=c~!$'()*,;:@.json")))
        vectors.append(capture(f"create-bucket {tag}", c, region, lambda c: c.create_bucket(Bucket="tts-archive")))
        # POST, empty body, a Content-Type: signed like every other header botocore sends.
        vectors.append(capture(f"post empty body content-type {tag}", c, region, lambda c: c.create_multipart_upload(
            Bucket="tts-archive", Key="archive/empty", ContentType="application/x-www-form-urlencoded")))
    c = client(local, "us-east-1", token=TOKEN)
    vectors.append(capture("head-object with session token", c, "us-east-1", lambda c: c.head_object(Bucket="tts-archive", Key=key)))
    doc = {
        "generator": "scripts/gen_sigv4_vectors.py",
        "sdk": {"boto3": md.version("boto3"), "botocore": md.version("botocore")},
        "access_key": AK, "secret_key": SK, "service": "s3",
        "vectors": vectors,
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "sigv4.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {out_dir}/sigv4.json")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/signer-vectors")
