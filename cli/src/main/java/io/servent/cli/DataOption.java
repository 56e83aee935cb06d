package io.servent.cli;

import io.servent.node.DataDirectory;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --data DIR}, on every command. */
final class DataOption {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Data directory (identity, config, API token). Default: ~/.servent")
    private @Nullable Path data;

    DataDirectory directory() {
        return DataDirectory.at(data == null ? DataDirectory.defaultRoot() : data);
    }

    /** The directory given with {@code --data}, if any. */
    @Nullable
    Path given() {
        return data;
    }
}
