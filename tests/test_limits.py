"""What one submission may take: every container the checker starts carries the limits, step 06 can reuse them."""

from checker.engine import containers, limits
from checker.workshop import course


def test_started_container_carries_the_limits():
    """A container started the checker's way has the memory, pid, CPU and log limits, as the engine reports them."""
    container = containers._container(course.images()["python"], command="sleep 30", network_mode="none").start()
    try:
        host = container.get_wrapped_container().attrs["HostConfig"]
    finally:
        containers.stop(container)
    # the engine applies each limit, in its own units
    assert host["Memory"] == limits.memory_mb() * 1024 * 1024 == host["MemorySwap"]
    assert host["PidsLimit"] == limits.pids()
    assert host["NanoCpus"] == int(limits.cpus() * 1e9)
    assert host["LogConfig"] == {"Type": "json-file", "Config": {"max-size": f"{limits.log_mb()}m", "max-file": "1"}}


def test_limits_follow_the_environment(monkeypatch):
    """WORKSHOP_MEMORY_MB and friends change the limits; a value that is no number keeps the default."""
    monkeypatch.setenv("WORKSHOP_MEMORY_MB", "256")
    monkeypatch.setenv("WORKSHOP_PIDS", "many")
    assert limits.run_kwargs()["mem_limit"] == "256m"
    assert limits.pids() == 256
    assert "--memory=256m" in limits.cli_flags()


def test_compose_override_limits_every_service():
    """Step 06 (compose) gets the same limits for each of its services."""
    override = limits.compose_override(["web", "redis"])
    assert set(override["services"]) == {"web", "redis"}
    web = override["services"]["web"]
    assert web["mem_limit"] == f"{limits.memory_mb()}m" and web["pids_limit"] == limits.pids()
    assert web["logging"]["options"]["max-size"] == f"{limits.log_mb()}m"
