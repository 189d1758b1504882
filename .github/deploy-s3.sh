#!/usr/bin/env bash
# Deploy a built site to an S3-compatible bucket (behind a CDN) with rclone, uploading only what
# changed (issue #14, item 4):
#   .github/deploy-s3.sh SITE_DIR
# Settings: KEXIE_S3_TARGET (bucket, or bucket/prefix), KEXIE_S3_ENDPOINT, KEXIE_S3_REGION,
# KEXIE_S3_PROVIDER from the environment, else from .github/deploy.env beside this script; the keys
# only from the environment: RCLONE_CONFIG_KEXIES3_ACCESS_KEY_ID / _SECRET_ACCESS_KEY (rclone's remote
# "kexies3", configured by environment variables, no config file). Any RCLONE_CONFIG_KEXIES3_*
# already set wins.
# Steps: read the deployed manifest kexie-deployed.json from the bucket (none on a first deploy) →
# `kexie deploy-plan` writes the lists → upload each header group → delete removed files → upload
# the new manifest last (a failed run leaves the old one, so the next run uploads again).
set -euo pipefail
site="${1:?usage: deploy-s3.sh SITE_DIR}"
settings="$(dirname "$0")/deploy.env"
setting() {  # NAME: the environment's value, else deploy.env's (plain NAME=value lines, never sourced)
  local value="${!1:-}"
  if [ -z "$value" ] && [ -f "$settings" ]; then
    value="$(sed -n "s/^$1=//p" "$settings" | tail -n 1)"
  fi
  printf '%s' "$value"
}
KEXIE_S3_TARGET="$(setting KEXIE_S3_TARGET)"
export RCLONE_CONFIG_KEXIES3_TYPE=s3
export RCLONE_CONFIG_KEXIES3_PROVIDER="${RCLONE_CONFIG_KEXIES3_PROVIDER:-$(setting KEXIE_S3_PROVIDER)}"
export RCLONE_CONFIG_KEXIES3_ENDPOINT="${RCLONE_CONFIG_KEXIES3_ENDPOINT:-$(setting KEXIE_S3_ENDPOINT)}"
export RCLONE_CONFIG_KEXIES3_REGION="${RCLONE_CONFIG_KEXIES3_REGION:-$(setting KEXIE_S3_REGION)}"
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
