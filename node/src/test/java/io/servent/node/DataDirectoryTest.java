package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DataDirectoryTest {
    @TempDir
    Path temp;

    @Test
    void createsTheDirectoryOwnerOnly() throws Exception {
        Path root = temp.resolve("nested/servent");
        DataDirectory dir = DataDirectory.create(root);
        assertThat(dir.root()).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
                .isEqualTo("rwx------");
    }

    @Test
    void identityIsCreatedOnceAndReused() throws Exception {
        DataDirectory dir = DataDirectory.create(temp.resolve("d"));
        PrivateKey first = dir.loadOrCreateIdentity();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.identityFile())))
                .isEqualTo("rw-------");
        // The file is the libp2p private key protobuf other implementations read.
        assertThat(PrivateKey.unmarshal(Files.readAllBytes(dir.identityFile()))
                        .publicKey()
                        .peerId())
                .isEqualTo(first.publicKey().peerId());
        PrivateKey again = DataDirectory.create(temp.resolve("d")).loadOrCreateIdentity();
        assertThat(again.publicKey().peerId()).isEqualTo(first.publicKey().peerId());
    }

    @Test
    void aCorruptIdentityIsReportedNotReplaced() throws Exception {
        DataDirectory dir = DataDirectory.create(temp.resolve("d"));
        Files.write(dir.identityFile(), new byte[] {1, 2, 3});
        assertThatThrownBy(dir::loadOrCreateIdentity)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("is not a libp2p private key");
        assertThat(Files.readAllBytes(dir.identityFile())).containsExactly(1, 2, 3);
    }

    @Test
    void tokenIsCreatedOwnerOnlyAndReused() throws Exception {
        DataDirectory dir = DataDirectory.create(temp.resolve("d"));
        ApiToken token = dir.loadOrCreateToken();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.tokenFile())))
                .isEqualTo("rw-------");
        assertThat(dir.loadOrCreateToken().value()).isEqualTo(token.value());
        assertThat(dir.readToken()).map(ApiToken::value).contains(token.value());
    }

    @Test
    void writesTheConfigTemplateOnceAndKeepsUserEdits() throws Exception {
        DataDirectory dir = DataDirectory.create(temp.resolve("d"));
        dir.writeConfigTemplateIfMissing(NodeConfig.defaults());
        assertThat(Files.readString(dir.configFile())).contains("[network]", "# listen = ");
        Files.writeString(dir.configFile(), "[log]\nlevel = \"debug\"\n");
        dir.writeConfigTemplateIfMissing(NodeConfig.defaults());
        assertThat(Files.readString(dir.configFile())).isEqualTo("[log]\nlevel = \"debug\"\n");
    }

    @Test
    void secondLockOnTheSameDirectoryIsRefusedWithThePid() throws Exception {
        DataDirectory dir = DataDirectory.create(temp.resolve("d"));
        try (DaemonLock lock = dir.lock()) {
            assertThatThrownBy(dir::lock)
                    .isInstanceOf(StartupException.class)
                    .hasMessage("another servent daemon is already running for " + dir.display() + " (pid "
                            + ProcessHandle.current().pid() + ")");
        }
        dir.lock().close(); // released: a new daemon may take it
    }

    @Test
    void runtimeInfoRoundTripsAtomically() throws Exception {
        DataDirectory dir = DataDirectory.create(temp.resolve("d"));
        RuntimeInfo info = new RuntimeInfo(42, "http://127.0.0.1:1", "12D3KooW", List.of("/ip4/1.2.3.4/tcp/1"), "v");
        info.write(dir.runtimeFile());
        assertThat(dir.readRuntimeInfo()).contains(info);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.runtimeFile())))
                .isEqualTo("rw-------");
        try (var files = Files.list(dir.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    @Test
    void displaysPathsUnderHomeWithATilde() {
        String home = System.getProperty("user.home");
        assertThat(DataDirectory.at(Path.of(home, ".servent")).display()).isEqualTo("~/.servent");
        assertThat(DataDirectory.at(Path.of("/srv/servent")).display()).isEqualTo("/srv/servent");
    }
}
