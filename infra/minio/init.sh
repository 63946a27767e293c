#!/bin/sh
# Runs once in the minio-init container: creates bagsflow's bucket, a policy that allows reading and writing that
# bucket only, and a MinIO user with that policy. bagsflow then uses this user, never MinIO's root user.
# Safe to run again: every step leaves existing things as they are.
set -eu
: "${BAGSFLOW_S3_BUCKET:=bagsflow}"

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$BAGSFLOW_S3_BUCKET"
sed "s/BUCKET/$BAGSFLOW_S3_BUCKET/g" /init/bagsflow-policy.json > /tmp/bagsflow-policy.json
mc admin policy create local bagsflow-readwrite /tmp/bagsflow-policy.json
mc admin user add local "$BAGSFLOW_S3_ACCESS_KEY" "$BAGSFLOW_S3_SECRET_KEY"
if ! out=$(mc admin policy attach local bagsflow-readwrite --user "$BAGSFLOW_S3_ACCESS_KEY" 2>&1); then
  case "$out" in
    *"already in effect"*) ;;   # attached by an earlier run
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "MinIO user $BAGSFLOW_S3_ACCESS_KEY may read and write bucket $BAGSFLOW_S3_BUCKET"
