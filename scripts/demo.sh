#!/usr/bin/env bash
# make demo: stores a few real files in a fresh archive, verifies it, and reads one back.
set -euo pipefail
bin=$1
work=$(mktemp -d /tmp/ttsarchive-demo.XXXXXX)
echo "demo: archive in $work/archive"
head -c 2000000 /dev/urandom > "$work/noise.bin"
printf '1\n00:00:00,000 --> 00:00:01,500\nhello\n\n' > "$work/sub.srt"
"$bin/ttsarchive" put --archive "$work/archive" "$work/noise.bin" "$work/sub.srt" "$work/sub.srt"
"$bin/ttsarchive" verify --archive "$work/archive"
digest=$(sha256sum "$work/sub.srt" | cut -c1-64)
echo "demo: ttsarchive cat $digest"
"$bin/ttsarchive" cat --archive "$work/archive" "$digest"
