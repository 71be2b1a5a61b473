"""The proxy host: Debian's nginx with deploy/nginx/tacenter.conf, its upstreams set to web1 and
web2, TLS from a throwaway CA that only the client host trusts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from deploy.multihost import hosts, net
from deploy.multihost.hosts import REPO, STATE


def _certificate(folder: Path, ip: str) -> None:
    """A throwaway CA (the client trusts it) and the proxy's certificate for its address."""
    run = lambda *argv: subprocess.run(["openssl", *argv], check=True, capture_output=True, cwd=folder)  # noqa: E731
    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=multihost run CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={ip}", "-keyout", "tls.key", "-out", "tls.csr")
    (folder / "san.ext").write_text(f"subjectAltName=IP:{ip}\nextendedKeyUsage=serverAuth\n")
    run(
        "x509",
        "-req",
        "-in",
        "tls.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "tls.pem",
    )


def start_proxy() -> None:
    """Debian's nginx with deploy/nginx/tacenter.conf, its upstreams pointed at web1 and web2."""
    folder = STATE / "proxy"
    folder.mkdir(parents=True, exist_ok=True)
    ip = net.ip_of("proxy")
    _certificate(folder, ip)
    site = (REPO / "deploy" / "nginx" / "tacenter.conf").read_text()
    for old, new in [
        ("web1.internal", net.ip_of("web1")),
        ("web2.internal", net.ip_of("web2")),
        ("/etc/ssl/certs/tacenter.pem", str(folder / "tls.pem")),
        ("/etc/ssl/private/tacenter.key", str(folder / "tls.key")),
        ("/srv/tacenter/static/", f"{REPO}/static/"),
        ("ta.example.org", ip),
        # The run's only addition: which node answered, for the session figures.
        (
            "proxy_pass http://tacenter_web;",
            "proxy_pass http://tacenter_web;\n        add_header X-Tacenter-Upstream $upstream_addr always;",
        ),
    ]:
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    (folder / "site.conf").write_text(site)
    temp = folder / "tmp"
    temp.mkdir(exist_ok=True)
    shutil.chown(temp, "www-data")
    (folder / "nginx.conf").write_text(
        f"daemon off;\nuser www-data;\nworker_processes 2;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\n"
        "events { worker_connections 2048; }\nhttp {\n  include /etc/nginx/mime.types;\n"
        f"  access_log {folder}/access.log;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder}/site.conf;\n}}\n"
    )
    hosts.spawn("proxy", "proxy", ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)])
    hosts.wait_port("proxy", 443)
