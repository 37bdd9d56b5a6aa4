#!/usr/bin/env python3
"""Lists a simulator window through ShowTtsJob with token auth (X-Auth-Token, no signing) and
writes the download links of every SUCCEED job, for the tools that only download (curl, aria2c,
wget2) and for the shell pipeline.

usage: bench_links.py ENDPOINT PROJECT SINCE UNTIL OUTDIR
writes OUTDIR/curl.cfg (curl -K), OUTDIR/aria2.txt (aria2c -i), OUTDIR/urls.txt (one link a line),
OUTDIR/mirror.cfg (curl -K: every link to its own URL path under the current folder, which a
static file server then serves at the same paths) and prints "<links> <jobs>". The token comes from $TTSARCHIVE_AUTH_TOKEN, never argv.
"""
import json
import os
import sys
import urllib.parse
import urllib.request

endpoint, project, since, until, outdir = sys.argv[1:6]
token = os.environ["TTSARCHIVE_AUTH_TOKEN"]
links, jobs, offset = [], 0, 0
while True:
    query = urllib.parse.urlencode(
        {"limit": 100, "offset": offset, "create_since": since, "create_until": until})
    request = urllib.request.Request(
        f"{endpoint}/v1/{project}/ttsc/tts-jobs?{query}", headers={"X-Auth-Token": token})
    with urllib.request.urlopen(request, timeout=120) as response:
        page = json.load(response)
    data = page.get("data", [])
    for job in data:
        if job.get("job_state") != "SUCCEED":
            continue
        jobs += 1
        for entry in job.get("files", []):
            for url in entry.values():
                links.append(url)
    offset += len(data)
    if not data or offset >= page.get("count", 0):
        break


def local_name(url):
    # The object key (tts/<uid>/<index>/<kind>.<ext>) flattened: unique per link.
    path = urllib.parse.urlsplit(url).path
    key = path.split("/", 3)[3] if path.startswith("/obs/") else path.lstrip("/")
    return key.replace("/", "_")


os.makedirs(outdir, exist_ok=True)
with open(os.path.join(outdir, "curl.cfg"), "w") as cfg, \
        open(os.path.join(outdir, "aria2.txt"), "w") as aria, \
        open(os.path.join(outdir, "urls.txt"), "w") as plain, \
        open(os.path.join(outdir, "mirror.cfg"), "w") as mirror:
    for url in links:
        name = local_name(url)
        cfg.write(f'url = "{url}"\noutput = "{name}"\n')
        mirror.write(f'url = "{url}"\noutput = ".{urllib.parse.urlsplit(url).path}"\n')
        aria.write(f"{url}\n  out={name}\n")
        plain.write(url + "\n")
print(len(links), jobs)
