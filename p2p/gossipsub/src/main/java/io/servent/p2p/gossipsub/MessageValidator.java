package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a router's {@link Validation}: the signature check its policy demands, then the topic's
 * {@link GossipsubValidator}. The I/O shell runs it on its validation threads; a simulator may run it
 * inline. Thread-safe.
 */
public final class MessageValidator {
    private static final Logger log = LoggerFactory.getLogger(MessageValidator.class);

    private final SignaturePolicy policy;
    private final MessageSigning signing = new MessageSigning();
    private final Map<String, GossipsubValidator> validators = new ConcurrentHashMap<>();

    public MessageValidator(SignaturePolicy policy) {
        this.policy = policy;
    }

    public void setValidator(String topic, GossipsubValidator validator) {
        validators.put(topic, validator);
    }

    public void removeValidator(String topic) {
        validators.remove(topic);
    }

    public ValidationOutcome validate(Validation validation) {
        Message message = validation.message();
        PeerId from = null;
        Long seqno = null;
        if (policy == SignaturePolicy.STRICT_SIGN) {
            String problem = signing.problem(message);
            if (problem != null) {
                return new ValidationOutcome.Unauthentic(problem);
            }
            from = signing.author(message.getFrom());
            seqno = MessageSigning.seqnoValue(message.getSeqno());
        }
        GossipsubMessage accepted = new GossipsubMessage(
                validation.id(), message.getTopic(), message.getData(), from, seqno, validation.receivedFrom());
        GossipsubValidator validator = validators.get(message.getTopic());
        if (validator == null) {
            return new ValidationOutcome.Valid(accepted);
        }
        ValidationResult result;
        try {
            result = validator.validate(accepted);
        } catch (RuntimeException e) {
            log.warn("the validator of '{}' failed on {}; ignoring the message", message.getTopic(), accepted, e);
            return new ValidationOutcome.Ignored("the validator failed: " + e);
        }
        return outcome(result, accepted);
    }

    private static ValidationOutcome outcome(ValidationResult result, GossipsubMessage accepted) {
        return switch (result) {
            case ValidationResult.Accept a -> new ValidationOutcome.Valid(accepted);
            case ValidationResult.Reject r -> new ValidationOutcome.Invalid(r.reason());
            case ValidationResult.Ignore i -> new ValidationOutcome.Ignored(i.reason());
        };
    }
}
