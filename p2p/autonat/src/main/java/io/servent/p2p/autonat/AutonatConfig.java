package io.servent.p2p.autonat;

import java.time.Duration;

/**
 * AutoNAT v1 settings for both sides; defaults follow go-libp2p.
 *
 * @param requestTimeout bound on reading a request or a response and on writing one
 * @param dialBackBudget the server stops trying further addresses of one request after this long
 * @param maxAddressesDialed addresses of one request the server dials at most
 * @param rateWindow the window the rate limits count in
 * @param maxRequestsPerWindow requests served per window, over all peers
 * @param maxRequestsPerPeerPerWindow requests served per window to one peer
 * @param confirmations answers from distinct peers that agree before the client changes its status
 * @param peersPerRound peers the client asks in one round
 * @param retryInterval time between rounds while the status is unknown
 * @param refreshInterval time between rounds once the status is known
 */
public record AutonatConfig(
        Duration requestTimeout,
        Duration dialBackBudget,
        int maxAddressesDialed,
        Duration rateWindow,
        int maxRequestsPerWindow,
        int maxRequestsPerPeerPerWindow,
        int confirmations,
        int peersPerRound,
        Duration retryInterval,
        Duration refreshInterval) {

    public AutonatConfig {
        if (!requestTimeout.isPositive() || !dialBackBudget.isPositive() || !rateWindow.isPositive()) {
            throw new IllegalArgumentException("timeouts and the rate window must be positive");
        }
        if (!retryInterval.isPositive() || !refreshInterval.isPositive()) {
            throw new IllegalArgumentException("probe intervals must be positive");
        }
        if (maxAddressesDialed < 1 || confirmations < 1 || peersPerRound < 1) {
            throw new IllegalArgumentException("maxAddressesDialed, confirmations and peersPerRound are at least 1");
        }
        if (maxRequestsPerWindow < 0 || maxRequestsPerPeerPerWindow < 0) {
            throw new IllegalArgumentException("rate limits cannot be negative");
        }
    }

    public static AutonatConfig defaults() {
        return new AutonatConfig(
                Duration.ofSeconds(30),
                Duration.ofSeconds(15),
                16,
                Duration.ofMinutes(1),
                30,
                3,
                3,
                4,
                Duration.ofSeconds(90),
                Duration.ofMinutes(15));
    }

    public AutonatConfig withRequestTimeout(Duration value) {
        return new AutonatConfig(
                value,
                dialBackBudget,
                maxAddressesDialed,
                rateWindow,
                maxRequestsPerWindow,
                maxRequestsPerPeerPerWindow,
                confirmations,
                peersPerRound,
                retryInterval,
                refreshInterval);
    }

    public AutonatConfig withRateLimits(Duration window, int total, int perPeer) {
        return new AutonatConfig(
                requestTimeout,
                dialBackBudget,
                maxAddressesDialed,
                window,
                total,
                perPeer,
                confirmations,
                peersPerRound,
                retryInterval,
                refreshInterval);
    }

    public AutonatConfig withConfirmations(int value) {
        return new AutonatConfig(
                requestTimeout,
                dialBackBudget,
                maxAddressesDialed,
                rateWindow,
                maxRequestsPerWindow,
                maxRequestsPerPeerPerWindow,
                value,
                peersPerRound,
                retryInterval,
                refreshInterval);
    }

    public AutonatConfig withPeersPerRound(int value) {
        return new AutonatConfig(
                requestTimeout,
                dialBackBudget,
                maxAddressesDialed,
                rateWindow,
                maxRequestsPerWindow,
                maxRequestsPerPeerPerWindow,
                confirmations,
                value,
                retryInterval,
                refreshInterval);
    }

    public AutonatConfig withIntervals(Duration retry, Duration refresh) {
        return new AutonatConfig(
                requestTimeout,
                dialBackBudget,
                maxAddressesDialed,
                rateWindow,
                maxRequestsPerWindow,
                maxRequestsPerPeerPerWindow,
                confirmations,
                peersPerRound,
                retry,
                refresh);
    }
}
