package io.parley.media.echo.worker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.media.echo.EchoPeer;
import io.parley.media.echo.EchoUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker process that hangs must not hold a caller: the answer gives up in time and the worker closes the call. */
class EchoWorkerIT {

    @Test
    void aWorkerThatNeverAnswersFailsTheCallInTimeAndIsToldToCloseIt() throws Exception {
        CompletableFuture<EchoWorker> exited = new CompletableFuture<>();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SilentWorker.class.getName(), EchoWorker.SOCKET);
        EchoWorker worker = EchoWorker.start(command, Duration.ofSeconds(30), Duration.ofSeconds(1), exited::complete)
                .get(30, TimeUnit.SECONDS);

        CompletableFuture<EchoWorker.RemoteCall> answer = worker.answer("v=0\r\n", new EchoPeer.Listener() {
            @Override
            public void connected() {
            }

            @Override
            public void disconnected() {
            }

            @Override
            public void failed() {
            }

            @Override
            public void frameEchoed() {
            }
        });

        ExecutionException refused = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
        assertInstanceOf(EchoUnavailableException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("did not answer within PT1S"),
                refused.getCause().getMessage());
        // SilentWorker exits only when it is told to close the call it never answered.
        exited.get(10, TimeUnit.SECONDS);
        assertTrue(worker.exited());
    }
}
