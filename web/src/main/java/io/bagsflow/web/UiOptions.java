package io.bagsflow.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the UI listens and whether it accepts actions. Actions (retry, abort) are refused when it listens on a
 * non-loopback address unless {@code allowRemoteActions}: anyone who can reach the port could otherwise abort runs.
 */
public record UiOptions(String host, int port, boolean allowRemoteActions) {

    public static UiOptions local(int port) {
        return new UiOptions("127.0.0.1", port, false);
    }

    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean actionsAllowed() {
        return loopback() || allowRemoteActions;
    }
}
