package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Cid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CIDs published by kubo (ipfs/kubo {@code test/cli/add_test.go}, {@code cid_profiles_test.go}) for
 * {@code ipfs add} with CIDv1 and raw leaves; the multi-block ones use kubo's deterministic ChaCha20
 * data, rebuilt here by {@link KuboRandom}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnixFsKnownAnswerTest {
    private static final int MIB = 1 << 20;

    @Test
    void emptyFileIsTheEmptyRawBlock() throws IOException {
        assertThat(cid(new byte[0], UnixFsLayout.defaults()))
                .hasToString("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
    }

    @Test
    void smallFilesAreTheirRawLeaf() throws IOException {
        assertThat(cid("hello world".getBytes(StandardCharsets.UTF_8), UnixFsLayout.defaults()))
                .hasToString("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        assertThat(cid("hello\n".getBytes(StandardCharsets.UTF_8), UnixFsLayout.defaults()))
                .hasToString("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
    }

    /** kubo profile test-cid-v1: 1 MiB chunks, 174 links, raw leaves — servent's own layout. */
    @Test
    void kuboTestCidV1AtAndOverMaxLinks() throws IOException {
        UnixFsLayout layout = new UnixFsLayout(MIB, 174);
        assertThat(layout).isEqualTo(UnixFsLayout.defaults());
        UnixFsFile[] files = twoLengths("v1-seed", 174, 175, layout);
        assertThat(files[0].root()).hasToString("bafybeigwduxcf2aawppv3isnfeshnimkyplvw3hthxjhr2bdeje4tdaicu");
        assertThat(files[0].nodes()).isEqualTo(1);
        assertThat(files[1].root()).hasToString("bafybeidhd7lo2n2v7lta5yamob3xwhbxcczmmtmhquwhjesi35jntf7mpu");
        assertThat(files[1].nodes()).isEqualTo(3); // a full node, a one-leaf node, and the root over both
    }

    /** kubo profile test-cid-v1-wide: 1 MiB chunks, 1024 links. */
    @Test
    void kuboTestCidV1WideAtAndOverMaxLinks() throws IOException {
        UnixFsFile[] files = twoLengths("v1-seed-1024", 1024, 1025, new UnixFsLayout(MIB, 1024));
        assertThat(files[0].root()).hasToString("bafybeiej5w63ir64oxgkr5htqmlerh5k2rqflurn2howimexrlkae64xru");
        assertThat(files[1].root()).hasToString("bafybeieilp2qx24pe76hxrxe6bpef5meuxto3kj5dd6mhb5kplfeglskdm");
    }

    private static Cid cid(byte[] data, UnixFsLayout layout) throws IOException {
        return UnixFsBuilder.build(data, layout, UnixFsBuilder.DISCARD).root();
    }

    /** One pass of kubo's data stream feeds a file of {@code shortMiB} and one of {@code longMiB}. */
    private static UnixFsFile[] twoLengths(String seed, int shortMiB, int longMiB, UnixFsLayout layout)
            throws IOException {
        KuboRandom random = new KuboRandom(seed);
        UnixFsBuilder shorter = new UnixFsBuilder(layout, UnixFsBuilder.DISCARD);
        UnixFsBuilder longer = new UnixFsBuilder(layout, UnixFsBuilder.DISCARD);
        byte[] buffer = new byte[MIB];
        for (int i = 0; i < longMiB; i++) {
            random.next(buffer);
            if (i < shortMiB) {
                shorter.write(buffer, 0, buffer.length);
            }
            longer.write(buffer, 0, buffer.length);
        }
        return new UnixFsFile[] {shorter.finish(), longer.finish()};
    }
}
