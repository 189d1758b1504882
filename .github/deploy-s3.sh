#!/usr/bin/env bash
# Deploy a built site to an S3-compatible bucket (behind a CDN) with rclone, uploading only what
# changed (issue #14, item 4):
#   .github/deploy-s3.sh SITE_DIR
# Environment:
#   KEXIE_S3_TARGET   bucket, or bucket/prefix
#   RCLONE_CONFIG_KEXIES3_TYPE=s3 and the other RCLONE_CONFIG_KEXIES3_* settings of rclone's
#   remote "kexies3" (PROVIDER, ENDPOINT, REGION, ACCESS_KEY_ID, SECRET_ACCESS_KEY): no config file.
# Steps: read the deployed manifest kexie-deployed.json from the bucket (none on a first deploy) →
# `kexie deploy-plan` writes the lists → upload each header group → delete removed files → upload
# the new manifest last (a failed run leaves the old one, so the next run uploads again).
set -euo pipefail
site="${1:?usage: deploy-s3.sh SITE_DIR}"
remote="kexies3:${KEXIE_S3_TARGET:?set KEXIE_S3_TARGET to bucket or bucket/prefix}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(--s3-no-check-bucket --retries 3 --stats-one-line --stats 0)

# a failed listing stops the deploy (set -e), rather than reading as "never deployed"
listed="$(rclone lsf "${flags[@]}" --max-depth 1 --files-only --include '/kexie-deployed.json' "$remote")"
if [ -n "$listed" ]; then
  rclone copyto "${flags[@]}" "$remote/kexie-deployed.json" "$work/deployed.json"
fi
kexie deploy-plan --site "$site" --deployed "$work/deployed.json" --out "$work/plan"

while IFS=$'\t' read -r list content_type cache_control; do
  rclone copy "${flags[@]}" "$site" "$remote" --files-from-raw "$work/plan/$list" --no-traverse \
    --ignore-times --header-upload "Content-Type: $content_type" \
    --header-upload "Cache-Control: $cache_control"
done < "$work/plan/upload.tsv"

if [ -s "$work/plan/delete.txt" ]; then
  rclone delete "${flags[@]}" "$remote" --files-from-raw "$work/plan/delete.txt"
fi

printf 'kexie-deployed.json\n' > "$work/manifest.txt"  # `copy` like the rest: copyto drops Cache-Control
rclone copy "${flags[@]}" "$work/plan" "$remote" --files-from-raw "$work/manifest.txt" --no-traverse \
  --ignore-times --header-upload "Content-Type: application/json; charset=utf-8" \
  --header-upload "Cache-Control: no-store"
