package io.bagsflow.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the UI listens, the secret every request must carry, and whether it accepts actions. Actions (retry,
 * abort) are refused when it listens on a non-loopback address unless {@code allowRemoteActions}: anyone who can
 * reach the port could otherwise abort runs.
 *
 * @param secret the home's UI secret ({@code BAGSFLOW_HOME/ui/secret}); null only for {@code --no-auth}, which
 *     {@link UiServer#start} accepts on a loopback address alone
 */
public record UiOptions(String host, int port, boolean allowRemoteActions, String secret) {

    public static UiOptions local(int port, String secret) {
        return new UiOptions("127.0.0.1", port, false, secret);
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

    public boolean authRequired() {
        return secret != null;
    }

    @Override
    public String toString() {
        return "UiOptions[host=" + host + ", port=" + port + ", allowRemoteActions=" + allowRemoteActions
                + ", auth=" + authRequired() + "]";
    }
}
