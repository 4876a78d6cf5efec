"""A Python service calling the payments API with the Writ token that writ-agent keeps in a file.

The agent (java -jar writ-agent.jar agent --config agent.json) replaces the file whole before the token expires, so
the service reads it for each call (a few hundred bytes from the page cache) and never caches, refreshes or logs it.

    WRIT_TOKEN_FILE   the agent's target file, e.g. /run/writ/payments.token
    PAYMENTS_URL      the payments API
"""

import json
import os
import sys
import urllib.request


def writ_token(path=os.environ.get("WRIT_TOKEN_FILE", "/run/writ/payments.token")):
    with open(path, encoding="ascii") as f:
        return f.read().strip()


def list_payments(base_url):
    request = urllib.request.Request(
        base_url + "/payments",
        headers={"Authorization": "Bearer " + writ_token(), "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


if __name__ == "__main__":
    print(json.dumps(list_payments(os.environ["PAYMENTS_URL"])))
    sys.exit(0)
