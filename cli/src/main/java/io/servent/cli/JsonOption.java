package io.servent.cli;

import picocli.CommandLine.Option;

/** {@code --json}: print the API's JSON instead of text, for scripts. */
final class JsonOption {
    @Option(names = "--json", description = "Print the control API's JSON response instead of text.")
    boolean json;
}
