"""The hosts of the multi-host run: one network namespace each, on one bridge.

The bridge lives in its own namespace (`tcmh-lan`), so nothing is added to the machine's own
network: every host namespace gets a veth pair whose far end joins the bridge. All addresses are
in 10.77.0.0/24. Needs root and Debian's iproute2; nftables cuts a host off from one peer.
"""

from __future__ import annotations

import subprocess

PREFIX = "tcmh-"
LAN = PREFIX + "lan"
SUBNET = "10.77.0"
HOSTS = {
    "proxy": 10,
    "web1": 11,
    "web2": 12,
    "worker1": 21,
    "worker2": 22,
    "beat": 30,
    "db": 40,
    "redis": 50,
    "mail": 60,
    "client": 100,
}


def ip_of(host: str) -> str:
    return f"{SUBNET}.{HOSTS[host]}"


def ns(host: str) -> str:
    return PREFIX + host


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=check, capture_output=True, text=True)


def existing() -> set[str]:
    out = sh("ip", "netns", "list", check=False).stdout
    return {line.split()[0] for line in out.splitlines() if line.startswith(PREFIX)}


def up() -> None:
    """Create the bridge and every host (idempotent: an existing run is torn down first)."""
    down()
    sh("ip", "netns", "add", LAN)
    sh("ip", "-n", LAN, "link", "set", "lo", "up")
    sh("ip", "-n", LAN, "link", "add", "br0", "type", "bridge")
    sh("ip", "-n", LAN, "link", "set", "br0", "up")
    for host, last in HOSTS.items():
        name = ns(host)
        sh("ip", "netns", "add", name)
        sh("ip", "-n", name, "link", "set", "lo", "up")
        port = f"v-{host}"
        sh("ip", "-n", LAN, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", name)
        sh("ip", "-n", LAN, "link", "set", port, "master", "br0")
        sh("ip", "-n", LAN, "link", "set", port, "up")
        sh("ip", "-n", name, "addr", "add", f"{SUBNET}.{last}/24", "dev", "eth0")
        sh("ip", "-n", name, "link", "set", "eth0", "up")


def down() -> None:
    """Delete every namespace of the run (their veths go with them). Safe to call twice."""
    for name in sorted(existing()):
        sh("ip", "netns", "del", name, check=False)


def cut_off(host: str, peer: str) -> None:
    """Drop every packet between `host` and `peer` inside host's namespace: a silent network
    fault (no refusal), the harder case for timeouts."""
    rules = (
        "table inet tcmh_cut {\n"
        f"  chain out {{ type filter hook output priority 0; ip daddr {ip_of(peer)} drop; }}\n"
        f"  chain in {{ type filter hook input priority 0; ip saddr {ip_of(peer)} drop; }}\n"
        "}\n"
    )
    subprocess.run(["ip", "netns", "exec", ns(host), "nft", "-f", "-"], input=rules, text=True, check=True)


def reconnect(host: str) -> None:
    sh("ip", "netns", "exec", ns(host), "nft", "delete", "table", "inet", "tcmh_cut", check=False)


def exec_argv(host: str, argv: list[str], *, hostname: str | None = None) -> list[str]:
    """argv run inside host's namespace, with its own hostname (a UTS namespace) when asked:
    Celery names workers and the beat's heartbeat after the host name."""
    if hostname is None:
        return ["ip", "netns", "exec", ns(host), *argv]
    script = 'hostname "$0" && exec "$@"'
    return ["ip", "netns", "exec", ns(host), "unshare", "--uts", "sh", "-c", script, hostname, *argv]
