package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What keeps other local accounts away from the embedded Temporal, whose dev server has no authentication at all
 * (anyone who reaches its port can list, terminate, signal or start workflows, or poll the task queues as a fake
 * worker):
 *
 * <ul>
 *   <li>the dev server runs in a network namespace of its own ({@code unshare --net}, with {@code --map-root-user}
 *       when not root: an unprivileged user namespace), so its ports exist nowhere else on the machine. A Unix
 *       socket in the owner-only home is the only way in: a small nginx inside the namespace bridges it to the
 *       server's loopback port (the dev server cannot listen on a Unix socket itself);
 *   <li>a TLS proxy (nginx, {@code ssl_verify_client on}) listens on 127.0.0.1 and passes gRPC to that socket only
 *       for clients that present a certificate of the home's authority ({@link CertificateAuthority}); its
 *       Temporal Web UI side needs the home's UI secret.
 * </ul>
 *
 * <p>Why not an iptables owner match on a loopback port: it needs root (a user on a shared server has none) and
 * netfilter in the kernel, and one forgotten rule opens everything. The namespace needs neither: unprivileged user
 * namespaces are on by default on Debian and most distributions.
 */
public final class TemporalGuard {

    private static volatile Optional<String> probed;

    private TemporalGuard() {}

    /** Why the guard cannot be set up here (nginx, openssl or namespaces missing), or empty when it can. */
    public static Optional<String> missing(Map<String, String> env) {
        List<String> why = new ArrayList<>();
        if (Nginx.find(env).isEmpty()) {
            why.add("no nginx (" + Nginx.INSTALL_HINT + ")");
        }
        if (!CertificateAuthority.available()) {
            why.add("no openssl (apt-get install openssl)");
        }
        isolation(env).ifPresent(why::add);
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    /** The words {@code up} and {@code doctor} use when the guard is missing. */
    public static String exposure(String reason) {
        return "every local account can control runs through the embedded Temporal (list, terminate, signal or "
                + "start workflows, or poll its task queues): " + reason;
    }

    /** Why a private network namespace cannot be made here, or empty when it can (probed once per process). */
    static Optional<String> isolation(Map<String, String> env) {
        Optional<String> known = probed;
        if (known != null) {
            return known;
        }
        Optional<String> result;
        Optional<Path> unshare = program("unshare", env);
        Optional<Path> ip = program("ip", env);
        if (unshare.isEmpty() || ip.isEmpty()) {
            result = Optional.of("no " + (unshare.isEmpty() ? "unshare (util-linux)" : "ip (iproute2)"));
        } else {
            List<String> command = new ArrayList<>(namespacePrefix(unshare.get()));
            command.addAll(List.of(ip.get().toString(), "link", "set", "lo", "up"));
            result = run(command)
                    ? Optional.empty()
                    : Optional.of("this account cannot make a network namespace (unshare --net"
                            + (PrivateFiles.currentUid() == 0 ? "" : " --map-root-user") + " failed: unprivileged "
                            + "user namespaces are off)");
        }
        probed = result;
        return result;
    }

    /** {@code unshare --net}, plus a user namespace mapping us to root in it when we are not root. */
    static List<String> namespacePrefix(Path unshare) {
        List<String> out = new ArrayList<>(List.of(unshare.toString(), "--net"));
        if (PrivateFiles.currentUid() != 0) {
            out.add("--map-root-user");
        }
        out.add("--");
        return out;
    }

    /** A program on PATH or in the system folders a non-root PATH often lacks ({@code ip} is in /usr/sbin). */
    static Optional<Path> program(String name, Map<String, String> env) {
        String path = env.getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return Optional.of(Path.of(entry, name));
            }
        }
        return Optional.empty();
    }

    private static boolean run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
