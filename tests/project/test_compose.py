"""docker-compose.yml: a deployment that grows past one process.

Read as YAML (no Docker needed): every app service shares Redis and PostgreSQL, health
checks gate the start order, the worker can be scaled, and the schedule runs in exactly
one service."""

from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "scheduler")


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]


def _command(service):
    command = service.get("command", [])
    return " ".join(command) if isinstance(command, list) else command


def test_the_services_of_a_scalable_deployment(services):
    assert {"db", "redis", "web", "worker", "scheduler"} <= set(services)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_redis_cache_and_the_database(services, name):
    environment = services[name]["environment"]
    assert environment["CACHE_URL"].startswith("redis://redis:6379/")
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert int(environment["CONN_MAX_AGE"].removeprefix("${CONN_MAX_AGE:-").removesuffix("}")) > 0
    assert environment["CONN_HEALTH_CHECKS"] == "True"
    assert {"db", "redis"} <= set(services[name]["depends_on"])
    assert all(dep["condition"] == "service_healthy" for dep in services[name]["depends_on"].values())


def test_health_checks_use_pg_isready_redis_ping_and_the_health_endpoint(services):
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "/app/docker/healthcheck.py"]
    assert "/health/" in (BASE_DIR / "docker" / "healthcheck.py").read_text()


def test_only_the_web_service_migrates(services):
    for name in ("worker", "scheduler"):
        assert services[name]["environment"]["MIGRATE"] == "0"
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "MIGRATE" not in services["web"]["environment"]


def test_the_worker_can_be_scaled(services):
    worker = services["worker"]
    assert "db_worker" in _command(worker)
    assert "container_name" not in worker
    assert "ports" not in worker


def test_the_web_port_can_be_a_range_for_two_web_containers(services):
    assert "container_name" not in services["web"]
    assert services["web"]["ports"] == ["${WEB_PORTS:-127.0.0.1:8000}:8000"]


def test_the_schedule_runs_in_the_scheduler_alone(services):
    schedule_words = ("crontask", "send_queued_mails", "anonymise_registrations", "sleep")
    running = [
        name for name, service in services.items() if any(w in _command(service) for w in schedule_words)
    ]
    assert running == ["scheduler"]
    assert _command(services["scheduler"]) == "python manage.py crontask --no-heartbeat"
    assert "ports" not in services["scheduler"]
    assert "deploy" not in services["scheduler"]  # no replicas


def test_forwarded_headers_are_trusted_only_from_docker_networks(services):
    import ipaddress

    for name in APP_SERVICES:
        value = services[name]["environment"]["TRUSTED_PROXIES"]
        assert value.startswith("${TRUSTED_PROXIES:-")  # .env may name the proxy instead
        networks = [
            ipaddress.ip_network(n) for n in value.removeprefix("${TRUSTED_PROXIES:-")[:-1].split(",")
        ]
        assert networks and all(network.is_private for network in networks)
