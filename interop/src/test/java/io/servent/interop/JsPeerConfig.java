package io.servent.interop;

import io.servent.p2p.api.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to start a {@link JsPeer}. Immutable.
 *
 * @param privateKey the peer's key, so a test knows its PeerId in advance; empty: js generates one
 * @param ip6 also listen on {@code /ip6/::1/tcp/0}
 * @param agent identify agentVersion to announce; empty: js-libp2p's own
 * @param services extra js services to load: {@code kad-dht}, {@code gossipsub}, {@code relay-server},
 *     {@code mdns} (mdns multicasts on every interface: start it only inside a network namespace, as
 *     {@code MdnsInteropIT} does)
 * @param startTimeout how long to wait for the ready line
 * @param lifetime the longest the process may live: it is killed then, whatever the test is doing
 * @param extraArgs further peer.mjs arguments
 */
public record JsPeerConfig(
        Optional<PrivateKey> privateKey,
        boolean ip6,
        Optional<String> agent,
        List<String> services,
        Duration startTimeout,
        Duration lifetime,
        List<String> extraArgs) {

    public JsPeerConfig {
        Objects.requireNonNull(privateKey);
        Objects.requireNonNull(agent);
        services = List.copyOf(services);
        extraArgs = List.copyOf(extraArgs);
        if (startTimeout.isNegative() || startTimeout.isZero() || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public static JsPeerConfig defaults() {
        return new JsPeerConfig(
                Optional.empty(),
                false,
                Optional.empty(),
                List.of(),
                Duration.ofSeconds(30),
                Duration.ofMinutes(10),
                List.of());
    }

    public JsPeerConfig withPrivateKey(@Nullable PrivateKey key) {
        return new JsPeerConfig(Optional.ofNullable(key), ip6, agent, services, startTimeout, lifetime, extraArgs);
    }

    public JsPeerConfig withIp6(boolean on) {
        return new JsPeerConfig(privateKey, on, agent, services, startTimeout, lifetime, extraArgs);
    }

    public JsPeerConfig withAgent(@Nullable String value) {
        return new JsPeerConfig(
                privateKey, ip6, Optional.ofNullable(value), services, startTimeout, lifetime, extraArgs);
    }

    public JsPeerConfig withServices(String... names) {
        return new JsPeerConfig(privateKey, ip6, agent, List.of(names), startTimeout, lifetime, extraArgs);
    }

    public JsPeerConfig withStartTimeout(Duration value) {
        return new JsPeerConfig(privateKey, ip6, agent, services, value, lifetime, extraArgs);
    }

    public JsPeerConfig withLifetime(Duration value) {
        return new JsPeerConfig(privateKey, ip6, agent, services, startTimeout, value, extraArgs);
    }

    public JsPeerConfig withExtraArgs(String... args) {
        return new JsPeerConfig(privateKey, ip6, agent, services, startTimeout, lifetime, List.of(args));
    }

    /** The peer.mjs command-line arguments for this configuration. */
    List<String> arguments() {
        List<String> args = new ArrayList<>();
        privateKey.ifPresent(k -> {
            args.add("--key");
            args.add(HexFormat.of().formatHex(k.marshal()));
        });
        if (ip6) {
            args.add("--ip6");
        }
        agent.ifPresent(a -> {
            args.add("--agent");
            args.add(a);
        });
        if (!services.isEmpty()) {
            args.add("--services");
            args.add(String.join(",", services));
        }
        args.addAll(extraArgs);
        return args;
    }
}
