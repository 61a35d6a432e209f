package io.parley.media.echo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker JVM's class path for a packaged service (quarkus-app) and for anything else. */
class WorkerClasspathTest {

    @Test
    void aPackagedServiceGivesItsWorkersTheApplicationAndEveryLibrary(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("quarkus-app");
        Files.createDirectories(app.resolve("lib/main"));
        Files.createDirectories(app.resolve("lib/boot"));
        Files.createDirectories(app.resolve("app"));
        Path runner = Files.createFile(app.resolve("quarkus-run.jar"));

        String classpath = EchoWorkers.classpath(runner + File.pathSeparator + "/opt/watchdog.jar");

        assertEquals(String.join(File.pathSeparator, app.resolve("app/*").toString(),
                app.resolve("lib/main/*").toString(), app.resolve("lib/boot/*").toString()), classpath);
    }

    @Test
    void anyOtherClassPathIsPassedOnAsItIs() {
        String classpath = "/repo/media-service/target/classes" + File.pathSeparator + "/m2/webrtc-java.jar";
        assertEquals(classpath, EchoWorkers.classpath(classpath));
    }
}
