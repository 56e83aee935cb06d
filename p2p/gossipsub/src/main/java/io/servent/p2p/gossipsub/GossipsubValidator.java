package io.servent.p2p.gossipsub;

/**
 * An application's check of the messages of one topic, run after the signature check and before the
 * message is delivered or forwarded. It runs on one of the validation threads, possibly on several
 * messages at once, so it must be thread-safe; it should be quick (go and js advise well under 100
 * ms), since slow validation delays forwarding and can cost this peer score elsewhere. An exception
 * counts as {@link ValidationResult#ignore(String)}.
 */
@FunctionalInterface
public interface GossipsubValidator {
    ValidationResult validate(GossipsubMessage message);
}
