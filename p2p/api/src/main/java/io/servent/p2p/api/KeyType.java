package io.servent.p2p.api;

import java.util.Optional;

/** Key types of the libp2p key protobuf, with their wire numbers and spec names. */
public enum KeyType {
    RSA(0, "RSA"),
    ED25519(1, "Ed25519"),
    SECP256K1(2, "Secp256k1"),
    ECDSA(3, "ECDSA");

    private final int number;
    private final String specName;

    KeyType(int number, String specName) {
        this.number = number;
        this.specName = specName;
    }

    public int number() {
        return number;
    }

    /** The name the peer-ids spec's protobuf uses, e.g. {@code Ed25519}. */
    public String specName() {
        return specName;
    }

    /** The key type with this wire number, if the spec defines one. */
    public static Optional<KeyType> byNumber(long number) {
        for (KeyType type : values()) {
            if (type.number == number) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
