/**
 * The {@code servent} command. {@code start} and {@code demo} run the daemon in this process; every
 * other command is a client of the daemon's local HTTP control API.
 */
@NullMarked
package io.servent.cli;

import org.jspecify.annotations.NullMarked;
