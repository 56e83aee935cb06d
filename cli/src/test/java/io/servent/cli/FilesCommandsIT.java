package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.p2p.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three daemon processes: the hub is a flooding super-peer and shares a file; {@code servent
 * search}, {@code get} (by result number), {@code downloads} and {@code explain} run in-process
 * against another daemon, through the same HTTP API the command line uses.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilesCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private ServentJar.Daemon hub;
    private ServentJar.Daemon b;
    private ServentJar.Daemon c;
    private byte[] content;

    @BeforeAll
    void startThree(@TempDir Path temp) throws Exception {
        work = temp;
        hub = ServentJar.Daemon.start(config(temp.resolve("hub"), "always"), temp);
        String hubAddress = run(hub, "id", "--json").out();
        hubAddress = JSON.readTree(hubAddress).get("addresses").get(0).asText();
        b = ServentJar.Daemon.start(config(temp.resolve("b"), "never"), temp, List.of("--bootstrap", hubAddress));
        c = ServentJar.Daemon.start(config(temp.resolve("c"), "never"), temp, List.of("--bootstrap", hubAddress));
        content = new byte[2 * 1024 * 1024 + 99];
        new Random(3).nextBytes(content);
        Path shared = Files.createDirectories(temp.resolve("shared"));
        Files.write(shared.resolve("ocelot anthem.ogg"), content);
        ok(hub, "share", shared.toString());
    }

    private static Path config(Path data, String superPeer) throws Exception {
        Files.createDirectories(data);
        Files.writeString(data.resolve("servent.toml"), """
                [autonat]
                force_reachability = "public"
                [files]
                super_peer = "%s"
                """.formatted(superPeer));
        return data;
    }

    @AfterAll
    void stop() throws Exception {
        for (ServentJar.Daemon d : new ServentJar.Daemon[] {c, b, hub}) {
            if (d != null) {
                d.close();
            }
        }
    }

    private static ServentJar.Result run(ServentJar.Daemon d, String... args) {
        return d.client(args);
    }

    private static ServentJar.Result ok(ServentJar.Daemon d, String... args) {
        return d.clientOk(args);
    }

    @Test
    void searchGetDownloadsAndExplain() throws Exception {
        ServentJar.Result[] found = new ServentJar.Result[1];
        Await.until(
                Duration.ofSeconds(60),
                () -> {
                    found[0] = run(b, "search", "ocelot", "--wait", "5");
                    return found[0].exitCode() == 0 && found[0].out().contains("ocelot anthem.ogg");
                },
                "b finds the hub's file");
        assertThat(found[0].out())
                .containsPattern("(?m)^  1  \\S*ocelot anthem\\.ogg")
                .contains("servent get NUMBER");
        Path into = Files.createDirectories(work.resolve("into"));
        ServentJar.Result got = ok(b, "get", "1", "-o", into.toString());
        assertThat(got.out()).contains("100%").contains("saved ");
        assertThat(Files.readAllBytes(into.resolve("ocelot anthem.ogg"))).isEqualTo(content);

        JsonNode list = JSON.readTree(ok(b, "downloads", "--json").out());
        assertThat(list.get(0).get("state").asText()).isEqualTo("done");
        assertThat(ok(b, "downloads").out()).contains("ocelot anthem.ogg").contains("done");
        String id = list.get(0).get("id").asText();
        assertThat(ok(b, "downloads", "cancel", id).out()).contains("cancelled");
        assertThat(run(b, "downloads", "pause", id).exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run(b, "get", "7").exitCode()).isEqualTo(ExitCodes.USAGE);

        String cid = list.get(0).get("cid").asText();
        assertThat(ok(b, "explain", cid).out()).contains(cid).contains("found by: ");
    }
}
