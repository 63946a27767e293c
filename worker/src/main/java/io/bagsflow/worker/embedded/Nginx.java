package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's nginx as a program of ours: one process ({@code master_process off}, so it never changes user and
 * reads only what its owner can), its configuration, pid, logs and temporary files in one owner-only folder. A
 * process left by a killed {@code up} is found through its pid file and stopped before a new one starts.
 */
final class Nginx {

    private static final Logger log = LoggerFactory.getLogger(Nginx.class);
    static final String VARIABLE = "BAGSFLOW_NGINX";
    static final String INSTALL_HINT = "install nginx (Debian: apt-get install nginx-light) or set " + VARIABLE;

    private Nginx() {}

    /** {@code BAGSFLOW_NGINX}, else {@code nginx} on PATH, else Debian's {@code /usr/sbin/nginx}. */
    static Optional<Path> find(Map<String, String> env) {
        String configured = env.get(VARIABLE);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured.trim());
            if (!Files.isExecutable(p)) {
                throw new ConfigurationException(VARIABLE + "=" + configured + " is not an executable file");
            }
            return Optional.of(p);
        }
        String path = env.getOrDefault("PATH", "");
        for (String entry : (path + ":/usr/sbin:/usr/local/sbin").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "nginx"))) {
                return Optional.of(Path.of(entry, "nginx"));
            }
        }
        return Optional.empty();
    }

    /** The settings every configuration of ours starts with: one process, files in {@code dir}. */
    static String header(Path dir, String name) {
        Path tmp = dir.resolve(name + "-tmp");
        // "user root": an nginx whose uid is 0 (as root, or as the owner mapped to root in a user namespace) would
        // otherwise hand its temporary folders to "nobody", an account that is not ours (and not mapped there)
        return "daemon off;\nmaster_process off;\nuser root;\npid " + dir.resolve(name + ".pid") + ";\nerror_log "
                + dir.resolve(name + "-error.log") + " warn;\nevents { worker_connections 1024; }\nhttp {\n"
                + "  access_log off;\n  server_tokens off;\n"
                + "  client_body_temp_path " + tmp.resolve("body") + ";\n"
                + "  proxy_temp_path " + tmp.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + tmp.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + tmp.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + tmp.resolve("scgi") + ";\n";
    }

    /** Writes {@code dir/name.conf} (0600) and checks it with {@code nginx -t}; returns the arguments to run it. */
    static List<String> prepare(Path nginx, Path dir, String name, String config) {
        Path conf = dir.resolve(name + ".conf");
        try {
            PrivateFiles.createDirectories(dir.resolve(name + "-tmp"));
            SecretFiles.writeString(conf, config);
        } catch (IOException e) {
            throw new ConfigurationException("cannot write " + conf + ": " + e.getMessage(), e);
        }
        stopOrphan(dir, name);
        return List.of(
                nginx.toString(),
                "-p",
                dir.toString(),
                "-c",
                conf.toString(),
                "-e",
                dir.resolve(name + "-error.log").toString());
    }

    /** Starts a prepared configuration as a child process, its output appended to {@code dir/name.out}. */
    static Process start(List<String> command, Path dir, String name) {
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve(name + ".out").toFile()))
                    .start();
        } catch (IOException e) {
            throw new ConfigurationException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** The error log's last lines, for a message about a start that failed. */
    static String errors(Path dir, String name) {
        StringBuilder out = new StringBuilder();
        for (Path f : List.of(dir.resolve(name + "-error.log"), dir.resolve(name + ".out"))) {
            try {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                lines.subList(Math.max(0, lines.size() - 5), lines.size())
                        .forEach(l -> out.append(l).append('\n'));
            } catch (IOException absent) {
                // nothing written there
            }
        }
        return out.toString().strip();
    }

    /** The process named by {@code dir/name.pid}, if it is alive and is an nginx. */
    static Optional<ProcessHandle> running(Path dir, String name) {
        Path pidFile = dir.resolve(name + ".pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(SecretFiles.readString(pidFile).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p ->
                            p.info().command().map(c -> c.endsWith("nginx")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops the nginx a killed {@code up} left running on this folder, and removes its stale sockets. */
    static void stopOrphan(Path dir, String name) {
        running(dir, name).ifPresent(p -> {
            log.warn("stopping the {} proxy (nginx pid {}) that a previous `up` left running", name, p.pid());
            stop(p);
        });
    }

    /** SIGTERM is nginx's fast shutdown; SIGKILL only if it does not end in time. */
    static void stop(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception slow) {
            p.destroyForcibly();
        }
    }
}
