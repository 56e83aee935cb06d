package io.servent.cli;

import io.servent.node.ServentVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code servent --version}. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"servent " + ServentVersion.version()};
    }
}
