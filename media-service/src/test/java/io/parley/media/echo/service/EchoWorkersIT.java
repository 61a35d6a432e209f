package io.parley.media.echo.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.protocol.ApiException;
import io.parley.media.echo.EchoReport;
import io.parley.media.echo.EchoTestClient;
import io.parley.media.echo.config.EchoConfig;
import io.parley.media.echo.health.EchoPeerHealthCheck;
import io.parley.media.echo.worker.EchoWorkers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Echo peers in worker processes, with real worker JVMs and real webrtc-java callers (the module's tests run in a
 * private network namespace): a worker that dies ends only its own calls and the next call gets a fresh one; a
 * worker is replaced after its calls and exits once the last of them ends, while the calls on its successor go on.
 */
class EchoWorkersIT {

    private static final Duration MEDIA = Duration.ofSeconds(30);

    private final RecordingEchoMetrics metrics = new RecordingEchoMetrics();
    private final AtomicReference<EchoWorkers> workers = new AtomicReference<>();
    private EchoSessions sessions;

    @AfterEach
    void stop() {
        if (sessions != null) {
            sessions.stop();
        }
        List<Long> left = workers.get() == null ? List.of() : workers.get().workerPids();
        assertEquals(List.of(), left.stream().filter(pid -> ProcessHandle.of(pid).isPresent()).toList(),
                "worker processes left running after stop");
    }

    @Test
    void aWorkerThatDiesEndsItsCallsAsFailedAndTheNextCallGetsAFreshWorker() throws Exception {
        start(TestEchoConfig.inWorkers(2, 50));
        String first;
        long crashed;
        try (EchoTestClient caller = EchoTestClient.start(320, 240, 15)) {
            first = connect("alice", caller);
            crashed = single(workers.get().workerPids());
            ProcessHandle.of(crashed).orElseThrow().destroyForcibly();

            EchoReport ended = await("the call on the killed worker to end").atMost(MEDIA)
                    .until(() -> report("alice", first), r -> "ended".equals(r.state()));
            assertEquals("FAILED", ended.endReason());
            await("its slot to be freed").atMost(MEDIA).until(() -> sessions.status().activeSessions() == 0);
            assertTrue(sessions.status().available(), "echo stays available: " + sessions.status());
            await("the crash to be counted").atMost(MEDIA).until(() -> metrics.workersFailed.get() == 1);
        }
        try (EchoTestClient caller = EchoTestClient.start(320, 240, 15)) {
            String second = connect("alice", caller);
            long fresh = single(workers.get().workerPids());
            assertNotEquals(crashed, fresh);
            assertEquals(2, metrics.workersStarted.get());
            await("video echoed by the fresh worker").atMost(MEDIA).until(() -> caller.framesReceived() >= 15);
            sessions.hangUp("alice", second).get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWorkerIsReplacedAfterItsCallsAndExitsWhenTheLastOneEnds() throws Exception {
        start(TestEchoConfig.inWorkers(3, 2));
        try (EchoTestClient a = EchoTestClient.start(320, 240, 15);
                EchoTestClient b = EchoTestClient.start(320, 240, 15);
                EchoTestClient c = EchoTestClient.start(320, 240, 15)) {
            String callA = connect("alice", a);
            long firstWorker = workers.get().workerPids().get(0);
            String callB = connect("bob", b);
            // b was the first worker's second and last call: its successor starts at once.
            await("the successor worker to start").atMost(MEDIA).until(() -> workers.get().workerPids().size() == 2);

            sessions.hangUp("alice", callA).get(15, TimeUnit.SECONDS);
            assertTrue(ProcessHandle.of(firstWorker).map(ProcessHandle::isAlive).orElse(false),
                    "the first worker still has bob's call");
            String callC = connect("carol", c);
            long successor = workers.get().workerPids().get(1);

            sessions.hangUp("bob", callB).get(15, TimeUnit.SECONDS);
            await("the first worker to exit after its last call").atMost(MEDIA)
                    .until(() -> ProcessHandle.of(firstWorker).map(p -> !p.isAlive()).orElse(true));
            assertEquals(List.of(successor), workers.get().workerPids());

            int framesBefore = c.framesReceived();
            await("carol's call on the successor to go on").atMost(MEDIA)
                    .until(() -> c.framesReceived() >= framesBefore + 15);
            assertEquals("connected", report("carol", callC).state());
            assertTrue(metrics.framesEchoed.get() > 0, "echoed frames are counted across the process boundary");
            assertEquals(2, metrics.workersStarted.get());
            assertEquals(0, metrics.workersFailed.get(), "a retired worker's exit is not a failure");
            sessions.hangUp("carol", callC).get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWorkersLastCallIsAnsweredEvenWhenNoOtherCallIsRunning() throws Exception {
        start(TestEchoConfig.inWorkers(2, 2));
        long firstWorker;
        try (EchoTestClient a = EchoTestClient.start(320, 240, 15)) {
            String callA = connect("alice", a);
            firstWorker = single(workers.get().workerPids());
            sessions.hangUp("alice", callA).get(15, TimeUnit.SECONDS);
        }
        try (EchoTestClient b = EchoTestClient.start(320, 240, 15)) {
            // The first worker's second and last call, while it has none running.
            String callB = connect("bob", b);
            await("video echoed on the last call").atMost(MEDIA).until(() -> b.framesReceived() >= 15);
            assertTrue(ProcessHandle.of(firstWorker).map(ProcessHandle::isAlive).orElse(false),
                    "the retired worker runs until its last call ends");
            sessions.hangUp("bob", callB).get(15, TimeUnit.SECONDS);
        }
        await("the first worker to exit after its last call").atMost(MEDIA)
                .until(() -> ProcessHandle.of(firstWorker).map(p -> !p.isAlive()).orElse(true));
        assertEquals(0, metrics.workersFailed.get());
    }

    @Test
    void aWorkerThatCannotStartMakesEchoUnavailableWithItsReason() {
        TestEchoConfig config = new TestEchoConfig(true, 2, EchoConfig.Isolation.PROCESS, 50, "-XX:+NoSuchJvmOption");
        sessions = new EchoSessions(config, metrics, EchoSessions.backend(config, metrics), Clock.systemUTC());
        sessions.start();

        ApiException refused = assertThrows(ApiException.class, () -> sessions.start("alice", "v=0\r\n"));
        assertEquals("ECHO_UNAVAILABLE", refused.code());
        HealthCheckResponse health = new EchoPeerHealthCheck(sessions).call();
        assertEquals(HealthCheckResponse.Status.DOWN, health.getStatus());
        assertTrue(health.getData().orElseThrow().get("problem").toString().contains("exited with status"),
                health.getData().toString());
        assertEquals(0, metrics.workersStarted.get());
        assertEquals(1, metrics.workersFailed.get());
    }

    private void start(TestEchoConfig config) {
        sessions = new EchoSessions(config, metrics, settings -> {
            EchoWorkers started = (EchoWorkers) EchoSessions.backend(config, metrics).apply(settings);
            workers.set(started);
            return started;
        }, Clock.systemUTC());
        sessions.start();
        assertTrue(sessions.status().available(), sessions.status().toString());
    }

    /** Starts a call for {@code owner}, applies the answer and waits until it is connected. */
    private String connect(String owner, EchoTestClient caller) throws Exception {
        EchoAnswer answer = sessions.start(owner, caller.offer()).get(30, TimeUnit.SECONDS);
        caller.accept(answer.sdp());
        await("the call to connect").atMost(MEDIA).until(() -> "connected".equals(report(owner, answer.id()).state()));
        return answer.id();
    }

    private EchoReport report(String owner, String id) throws Exception {
        return sessions.report(owner, id).get(10, TimeUnit.SECONDS);
    }

    private static long single(List<Long> pids) {
        assertEquals(1, pids.size(), "worker processes: " + pids);
        return pids.get(0);
    }
}
