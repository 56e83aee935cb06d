package io.servent.p2p.api;

/**
 * Serves one protocol. The host calls it on a fresh virtual thread per inbound stream and closes the
 * stream when it returns; an exception resets the stream and is logged once.
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(Stream stream) throws Exception;
}
