"""`LocalKafka`: one real single-node KRaft broker, started and stopped by the hub."""

from __future__ import annotations

import ssl
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hub.access.principals import ADMIN_PRINCIPAL, NODE_PRINCIPAL
from hub.localkafka.errors import (
    BrokerExitedError,
    BrokerStartTimeoutError,
    BrokerStopError,
    PortInUseError,
)
from hub.localkafka.identity import NodeIdentity, client_context, ensure_node_identity
from hub.localkafka.jarinfo import kafka_version_in
from hub.localkafka.jars import classpath, fetch_jars
from hub.localkafka.locks import file_lock
from hub.localkafka.logs import tails
from hub.localkafka.paths import JarCache, StatePaths
from hub.localkafka.pidfile import (
    classpath_of,
    is_broker_process,
    read_pid,
    remove_pid,
    write_pid,
)
from hub.localkafka.ports import port_is_free, wait_port_closed
from hub.localkafka.probe import ProbeError, probe
from hub.localkafka.process import BROKER_MAIN, java_command, spawn, terminate_group
from hub.localkafka.settings import LocalKafkaSettings
from hub.localkafka.storage import ensure_formatted
from hub.localkafka.template import listener_address, parse_properties, render_server_properties
from hub.localkafka.tools import find_java

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    pid: int | None
    bootstrap: str  # the mTLS listener
    state_dir: Path
    scram_bootstrap: str = ""
    #: the plaintext loopback listener, when the broker was started with --insecure-local
    local_bootstrap: str | None = None


class LocalKafka:
    """Fetch, format, start, probe and stop a broker whose files live in one state folder.

    Every method is safe to call again: `start` on a running broker reports it,
    `stop` on a stopped one does nothing, and a stale pid file is cleared.
    """

    def __init__(self, settings: LocalKafkaSettings | None = None) -> None:
        self.settings = settings if settings is not None else LocalKafkaSettings()
        self.paths = StatePaths.for_state_dir(self.settings.state_dir)
        self.jars = JarCache(root=self.settings.jars_dir, version=self.settings.version)
        self._child: subprocess.Popen[bytes] | None = None

    def fetch(self, progress: Progress | None = None) -> Path:
        """Download the broker's jars unless the cache already has them."""
        return fetch_jars(self.jars, progress=progress)

    def status(self) -> BrokerStatus:
        pid = read_pid(self.paths.pid_file)
        running = pid is not None and is_broker_process(pid, self.paths.server_properties)
        if not running:
            return BrokerStatus(
                running=False,
                pid=None,
                bootstrap=self.settings.bootstrap,
                state_dir=self.paths.root.parent,
                scram_bootstrap=self.settings.scram_bootstrap,
                local_bootstrap=self.settings.local_bootstrap,
            )
        return BrokerStatus(
            running=True,
            pid=pid,
            bootstrap=self._recorded_bootstrap("MTLS") or self.settings.bootstrap,
            state_dir=self.paths.root.parent,
            scram_bootstrap=self._recorded_bootstrap("SCRAM") or self.settings.scram_bootstrap,
            local_bootstrap=self._recorded_bootstrap("LOCAL"),
        )

    def start(
        self, progress: Progress | None = None, *, exit_with_parent: bool = False
    ) -> BrokerStatus:
        """Start the broker and return once it answers a metadata request.

        `exit_with_parent` ties the broker's life to this process (for tests);
        by default it outlives the command that started it.
        """
        with file_lock(self.paths.lock_file):
            current = self.status()
            if current.running:
                return current
            remove_pid(self.paths.pid_file)
            self._check_ports_free()
            java = find_java()
            self.fetch(progress)
            jars = classpath(self.jars)
            identity = self._write_config()
            if progress is not None and not self.paths.formatted_marker.is_file():
                progress(f"formatting {self.paths.data_dir}")
            ensure_formatted(java, jars, self.paths)
            command = java_command(
                java,
                jars,
                main=BROKER_MAIN,
                args=[str(self.paths.server_properties)],
                logs_dir=self.paths.logs_dir,
                heap_min_mb=self.settings.heap_min_mb,
                heap_max_mb=self.settings.heap_max_mb,
            )
            self._child = spawn(
                command,
                cwd=self.paths.root,
                output=self.paths.console_log,
                exit_with_parent=exit_with_parent,
            )
            write_pid(self.paths.pid_file, self._child.pid)
            self._wait_ready(self._child, client_context(identity.admin))
            return self.status()

    def stop(self) -> bool:
        """Stop our broker (SIGTERM, then SIGKILL); True if one was running.

        Only the process recorded in the pid file is signalled, and only when it
        is still this state folder's broker.
        """
        with file_lock(self.paths.lock_file):
            pid = read_pid(self.paths.pid_file)
            if pid is None or not is_broker_process(pid, self.paths.server_properties):
                remove_pid(self.paths.pid_file)
                return False
            host, port = self._recorded_address() or (self.settings.host, self.settings.port)
            child = self._child if self._child is not None and self._child.pid == pid else None
            if not terminate_group(pid, timeout=self.settings.stop_timeout_s, child=child):
                raise BrokerStopError(f"broker pid {pid} survived SIGKILL")
            remove_pid(self.paths.pid_file)
            self._child = None
            if not wait_port_closed(host, port, timeout=10.0):
                raise BrokerStopError(f"broker pid {pid} is gone but {host}:{port} still accepts")
            return True

    def running_version(self) -> str | None:
        """The Kafka version in the jars the running broker was started with."""
        pid = self.status().pid
        return None if pid is None else kafka_version_in(classpath_of(pid))

    def _write_config(self) -> NodeIdentity:
        # the broker's files hold every case: readable by the user that runs it only
        for folder in (self.paths.root, self.paths.data_dir, self.paths.logs_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            folder.chmod(0o700)
        identity = ensure_node_identity(
            self.settings.state_dir, self.paths.root, self.settings.host
        )
        text = render_server_properties(
            node_id=self.settings.node_id,
            host=self.settings.host,
            broker_port=self.settings.port,
            scram_port=self.settings.scram_port,
            controller_port=self.settings.controller_port,
            log_dirs=self.paths.data_dir,
            keystore=identity.keystore,
            truststore=identity.truststore,
            super_users=[NODE_PRINCIPAL, ADMIN_PRINCIPAL, *self.settings.extra_super_users],
            local_port=self.settings.local_port if self.settings.insecure_local else None,
        )
        self.paths.server_properties.write_text(text, encoding="utf-8")
        return identity

    def _check_ports_free(self) -> None:
        host = self.settings.host
        ports = [
            ("--port", self.settings.port),
            ("--controller-port", self.settings.controller_port),
            ("--scram-port", self.settings.scram_port),
        ]
        if self.settings.insecure_local:
            ports.append(("--local-port", self.settings.local_port))
        for option, port in ports:
            if not port_is_free(host, port):
                raise PortInUseError(
                    f"{host}:{port} is already in use by another process; "
                    f"choose another port with {option}"
                )

    def _wait_ready(self, child: subprocess.Popen[bytes], tls: ssl.SSLContext) -> None:
        host, port = self.settings.host, self.settings.port
        deadline = time.monotonic() + self.settings.start_timeout_s
        while True:
            try:
                if probe(host, port, timeout=1.0, tls=tls).brokers:
                    return
            except ProbeError:
                pass
            try:  # doubles as the poll interval, and ends early if the broker exits
                code = child.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                code = None
            if code is not None:
                self._child = None
                remove_pid(self.paths.pid_file)
                raise BrokerExitedError(
                    f"the broker exited with code {code} during start\n{self._log_tails()}"
                )
            if time.monotonic() >= deadline:
                terminate_group(child.pid, timeout=self.settings.stop_timeout_s, child=child)
                self._child = None
                remove_pid(self.paths.pid_file)
                raise BrokerStartTimeoutError(
                    f"the broker did not answer on {host}:{port} within "
                    f"{self.settings.start_timeout_s:.0f} s\n{self._log_tails()}"
                )

    def _recorded_address(self, listener: str | None = None) -> tuple[str, int] | None:
        """Where the running broker listens: its config file, not today's settings."""
        try:
            text = self.paths.server_properties.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return listener_address(parse_properties(text), listener)

    def _recorded_bootstrap(self, listener: str) -> str | None:
        address = self._recorded_address(listener)
        return None if address is None else f"{address[0]}:{address[1]}"

    def _log_tails(self) -> str:
        return tails(self.paths.console_log, self.paths.server_log)
