package io.servent.p2p.gossipsub;

/**
 * Counters of a gossipsub router since it started, for tests, metrics and diagnosis.
 *
 * @param rpcsReceived RPCs handed to the router
 * @param rpcsGraylisted RPCs ignored because their sender's score is below the graylist threshold
 * @param rpcsMalformed RPCs that broke the wire format or a limit (their stream was closed)
 * @param rpcsDropped RPCs not sent because the peer's queue was full
 * @param messagesReceived messages in received RPCs, duplicates included
 * @param messagesDuplicate messages already seen
 * @param messagesUnsubscribed messages of topics we are not subscribed to (ignored)
 * @param messagesAccepted messages that passed validation
 * @param messagesRejected messages the validator or a size limit rejected
 * @param messagesIgnored messages the validator ignored
 * @param messagesUnauthentic messages with a bad signature or author, or malformed
 * @param validationsThrottled messages dropped because the validation queue was full
 * @param messagesDelivered messages handed to the application's subscriptions
 * @param messagesPublished messages we published
 */
public record GossipsubStats(
        long rpcsReceived,
        long rpcsGraylisted,
        long rpcsMalformed,
        long rpcsDropped,
        long messagesReceived,
        long messagesDuplicate,
        long messagesUnsubscribed,
        long messagesAccepted,
        long messagesRejected,
        long messagesIgnored,
        long messagesUnauthentic,
        long validationsThrottled,
        long messagesDelivered,
        long messagesPublished) {

    GossipsubStats withShellCounters(long malformed, long dropped) {
        return new GossipsubStats(
                rpcsReceived,
                rpcsGraylisted,
                malformed,
                dropped,
                messagesReceived,
                messagesDuplicate,
                messagesUnsubscribed,
                messagesAccepted,
                messagesRejected,
                messagesIgnored,
                messagesUnauthentic,
                validationsThrottled,
                messagesDelivered,
                messagesPublished);
    }
}
