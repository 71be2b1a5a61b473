"""The client host: signed-in requesters submitting TA requests through the proxy (R1's load).

    python -m deploy.multihost.load signin|submit|throttle ...   (see main)

Every submission carries its own submission_token; a refused connection, a 502/503/504 or a 500
is retried with the same token (what a browser's retry or a double-click does); 10 % of accepted
submissions are sent again with the same token and must lead to the same request. Each answer's
X-Tacenter-Upstream header (added by the run's proxy only) says which web node served it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ACCEPTED_RE = re.compile(r"/requests/(TA-\d{4}-\d+)$")
RETRY = {500, 502, 503, 504}


def upstream(response) -> str:
    return response.headers.get("X-Tacenter-Upstream", "?").rsplit(", ", 1)[-1]


def sign_in(base: str, ca: str, email: str, password: str) -> dict:
    """Sign one account in; returns its frozen cookie header and the new-request form's CSRF token."""
    for _attempt in range(20):
        try:
            with requests.Session() as s:
                s.verify, s.trust_env = ca, False  # the run's CA, not REQUESTS_CA_BUNDLE's
                s.headers["Referer"] = f"{base}/login"  # Flask-WTF checks it on HTTPS, as browsers send it
                token = CSRF_RE.search(s.get(f"{base}/login", timeout=30).text).group(1)
                r = s.post(
                    f"{base}/login",
                    data={"csrf_token": token, "email": email, "password": password},
                    allow_redirects=False,
                    timeout=30,
                )
                if r.status_code != 302 or "/login" in r.headers.get("Location", ""):
                    raise RuntimeError(f"sign-in of {email} answered {r.status_code}")
                form = s.get(f"{base}/requests/new", timeout=30)
                token = CSRF_RE.search(form.text).group(1)
                cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
                return {"email": email, "cookie": cookie, "csrf": token}
        except (requests.RequestException, AttributeError):
            time.sleep(1)
    raise RuntimeError(f"could not sign {email} in")


class Load:
    def __init__(self, args, accounts: list[dict], topic_id: int):
        self.args, self.accounts, self.topic_id = args, accounts, topic_id
        self.lock = threading.Lock()
        self.accepted: dict[str, dict] = {}  # token -> {reference, org_id, email}
        self.attempts: list[dict] = []
        self.resubmits = {"sent": 0, "same_request": 0, "different": 0}
        self.session_lost = 0
        self.failed_tokens: list[str] = []
        self.local = threading.local()

    def http(self) -> requests.Session:
        if not hasattr(self.local, "s"):
            self.local.s = requests.Session()
            self.local.s.verify, self.local.s.trust_env = self.args.ca, False
            self.local.s.headers["Referer"] = f"{self.args.base}/requests/new"
        return self.local.s

    def post(self, account: dict, token: str, i: int):
        data = {
            "csrf_token": account["csrf"],
            "submission_token": token,
            "title": f"Soak request {i}",
            "description": "Help choosing a developmental screening tool for our clinics.",
            "topic_ids": [self.topic_id],
            "state": "NM",
            "tier": "targeted",
            "urgency": "routine",
            "preferred_mode": "virtual_meeting",
        }
        s = self.http()
        started = time.monotonic()
        try:
            r = s.post(
                f"{self.args.base}/requests/new",
                data=data,
                headers={"Cookie": account["cookie"]},
                allow_redirects=False,
                timeout=60,
            )
            status, node = r.status_code, upstream(r)
            location = r.headers.get("Location", "")
        except requests.RequestException as error:
            status, node, location = 0, "?", type(error).__name__
        s.cookies.clear()  # the cookie is fixed per account: flashes in answers are not kept
        row = {
            "t": time.time(),
            "status": status,
            "node": node,
            "ms": (time.monotonic() - started) * 1000,
            "email": account["email"],
            "signed_in": status == 302 and bool(ACCEPTED_RE.search(location)),
        }
        with self.lock:
            self.attempts.append(row)
        return status, node, location

    def submit(self, i: int) -> None:
        account = self.accounts[i % len(self.accounts)]
        token = f"{self.args.run}-{i}"
        for _attempt in range(30):
            status, node, location = self.post(account, token, i)
            match = ACCEPTED_RE.search(location)
            if status == 302 and match:
                break
            if status == 302 and "/login" in location:
                with self.lock:
                    self.session_lost += 1
                return
            if status not in RETRY and status != 0:
                with self.lock:
                    self.failed_tokens.append(f"{token}:{status}")
                return
            time.sleep(0.5)
        else:
            with self.lock:
                self.failed_tokens.append(f"{token}:gave-up")
            return
        with self.lock:
            self.accepted[token] = {
                "reference": match.group(1),
                "org_id": account["org_id"],
                "email": account["email"],
                "node": node,
            }
        if random.random() < self.args.resubmit:  # a double-click or a retried POST
            for _attempt in range(30):
                status, _node, location = self.post(account, token, i)
                if status not in RETRY and status != 0:
                    break
                time.sleep(0.5)
            again = ACCEPTED_RE.search(location)
            with self.lock:
                self.resubmits["sent"] += 1
                same = again and again.group(1) == match.group(1)
                self.resubmits["same_request" if same else "different"] += 1

    def progress(self, stop: threading.Event) -> None:
        while not stop.wait(0.5):
            Path(self.args.progress).write_text(str(len(self.accepted)))

    def run(self) -> dict:
        stop = threading.Event()
        threading.Thread(target=self.progress, args=(stop,), daemon=True).start()
        started = time.time()
        with ThreadPoolExecutor(self.args.concurrency) as pool:
            list(pool.map(self.submit, range(self.args.submissions)))
        stop.set()
        Path(self.args.progress).write_text(str(len(self.accepted)))
        ok = sorted(a["ms"] for a in self.attempts if a["status"] == 302)
        nodes_per_account: dict[str, set] = {}
        for attempt in self.attempts:  # answers given to a signed-in user, by node
            if attempt["signed_in"]:
                nodes_per_account.setdefault(attempt["email"], set()).add(attempt["node"])
        return {
            "submissions": self.args.submissions,
            "concurrency": self.args.concurrency,
            "accounts": len(self.accounts),
            "seconds": round(time.time() - started, 1),
            "accepted": self.accepted,
            "attempts": self.attempts,
            "resubmits": self.resubmits,
            "session_lost": self.session_lost,
            "failed_tokens": self.failed_tokens,
            "p50_ms": round(ok[len(ok) // 2]) if ok else None,
            "p95_ms": round(ok[int(len(ok) * 0.95)]) if ok else None,
            "accounts_served_by_both_nodes": sum(1 for n in nodes_per_account.values() if len(n) >= 2),
        }


def throttle(args) -> dict:
    """Ten wrong passwords for one account through the proxy (the nodes take turns), then the right
    one: the 11th answered attempt must be refused with 429 whichever node answers. An attempt the
    proxy could not deliver (a node dying: 502, or no answer) is not a failed sign-in and is sent
    again; it is kept in `undelivered`."""
    s = requests.Session()
    s.verify, s.trust_env = args.ca, False
    s.headers["Referer"] = f"{args.base}/login"
    answers, undelivered = [], []
    while len(answers) < 11 and len(undelivered) < 30:
        password = args.password if len(answers) == 10 else f"wrong-{len(answers)}"
        try:
            token = CSRF_RE.search(s.get(f"{args.base}/login", timeout=30).text).group(1)
            r = s.post(
                f"{args.base}/login",
                data={"csrf_token": token, "email": args.email, "password": password},
                allow_redirects=False,
                timeout=30,
            )
        except (requests.RequestException, AttributeError) as error:
            undelivered.append(type(error).__name__)
            time.sleep(0.5)
            continue
        if r.status_code in RETRY:
            undelivered.append(r.status_code)
            time.sleep(0.5)
            continue
        answers.append({"status": r.status_code, "node": upstream(r)})
    return {"answers": answers, "nodes": sorted({a["node"] for a in answers}), "undelivered": undelivered}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["submit", "throttle"])
    parser.add_argument("--base", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--seed", help="the seed's JSON (accounts, password, topic)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--run", default="soak")
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--resubmit", type=float, default=0.1)
    parser.add_argument("--progress", default="/dev/null")
    parser.add_argument("--email")
    parser.add_argument("--password")
    args = parser.parse_args()
    if args.command == "throttle":
        result = throttle(args)
    else:
        seed = json.loads(Path(args.seed).read_text())
        with ThreadPoolExecutor(8) as pool:
            accounts = list(
                pool.map(
                    lambda a: {**a, **sign_in(args.base, args.ca, a["email"], seed["password"])},
                    seed["accounts"],
                )
            )
        result = Load(args, accounts, seed["topic_id"]).run()
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
