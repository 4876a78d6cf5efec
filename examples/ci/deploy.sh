#!/usr/bin/env bash
# A GitHub Actions step that calls a deploy API with a Writ token instead of a stored API key.
# The job needs `permissions: id-token: write`; GitHub then gives it ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, and
# writ-agent.jar exchanges the job's OIDC token (asked for Writ's issuer as audience) at Writ.
#
#   WRIT_ISSUER      Writ's issuer, e.g. https://writ.example.org
#   DEPLOY_URL       the deploy API
#   WRIT_AGENT_JAR   writ-agent.jar (default: ./writ-agent.jar)
set -euo pipefail

token=$(java -jar "${WRIT_AGENT_JAR:-writ-agent.jar}" token --issuer "$WRIT_ISSUER" --github-actions \
  --audience https://deploy.example.org --scope deploy:payments)
# Keep the token out of the job's log, should anything print it.
echo "::add-mask::$token"

curl --fail-with-body --silent --show-error -X POST \
  -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  --data '{"service": "payments", "version": "'"${GITHUB_SHA:-local}"'"}' \
  "$DEPLOY_URL/deployments"
