package io.servent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the running daemon through its control API. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    DataOption data = new DataOption();

    @Mixin
    JsonOption output = new JsonOption();

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public final Integer call() throws CliException {
        ApiClient client = ApiClient.forDirectory(data.directory());
        PrintWriter out = spec.commandLine().getOut();
        int code = run(client, out);
        out.flush();
        return code;
    }

    abstract int run(ApiClient client, PrintWriter out) throws CliException;

    /** Prints the raw JSON when {@code --json} was given; true if it did. */
    boolean printedJson(ApiClient.Response response, PrintWriter out) {
        if (output.json) {
            out.println(response.body());
        }
        return output.json;
    }
}
