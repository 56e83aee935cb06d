/**
 * The servent daemon, the only composition root: data directory, configuration, identity, the host
 * and its services, lifecycle, and the local HTTP control API that the CLI and web UI talk to.
 */
@NullMarked
package io.servent.node;

import org.jspecify.annotations.NullMarked;
