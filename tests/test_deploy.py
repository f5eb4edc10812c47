"""Serving flags and ``playground nginx``: a configuration Debian's nginx accepts."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from playground.cli import main
from playground.deploy import ROUTE_COOKIE, backend_addresses, nginx_config

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if shutil.which("/usr/sbin/nginx") else None)


def test_backends_are_consecutive_ports_and_bad_counts_are_refused():
    assert backend_addresses(3, 7000) == ["127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"]
    for count, port in ((0, 5006), (65, 5006), (2, 65535)):
        with pytest.raises(ValueError):
            backend_addresses(count, port)
    with pytest.raises(ValueError):
        nginx_config([])


def test_the_configuration_pins_each_browser_and_passes_websockets():
    conf = nginx_config(backend_addresses(3), listen="8080", server_name="class.example.org")
    assert conf.count("server 127.0.0.1:") == 3
    assert "hash $pg_route consistent" in conf
    assert f"$cookie_{ROUTE_COOKIE}" in conf and f"{ROUTE_COOKIE}=$pg_route" in conf
    assert "proxy_set_header Upgrade $http_upgrade" in conf
    assert "--allow-websocket-origin class.example.org:8080" in conf


def test_cli_prints_it_and_reports_bad_flags(capsys, tmp_path):
    argv = ["nginx", "--backends", "4", "--first-port", "6000", "--prefix", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out == nginx_config(backend_addresses(4, 6000), prefix=tmp_path)
    with pytest.raises(SystemExit):
        main(["nginx", "--backends", "0"])
    assert "backends must be from 1 to 64" in capsys.readouterr().err


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs it)")
def test_nginx_accepts_the_configuration(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(backend_addresses(2), listen="127.0.0.1:8089", prefix=tmp_path))
    cmd = [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--port", "0"], "--port must be from 1 to 65535"),
        (["--idle-minutes", "-1"], "--idle-minutes must be from 0 to 1440"),
        (["--idle-minutes", "nan"], "--idle-minutes must be from 0 to 1440"),
    ],
)
def test_serve_refuses_bad_flags_before_starting(capsys, argv, message):
    with pytest.raises(SystemExit):
        main(["serve", *argv])
    assert message in capsys.readouterr().err
