package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.DiskSpace;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.HomeSecret;
import io.bagsflow.worker.config.PostgresEndpoint;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.S3Endpoint;
import io.bagsflow.worker.config.TemporalEndpoint;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: starts, for each service that no environment variable points elsewhere, its embedded
 * stand-in (PostgreSQL, S3, Temporal), all on 127.0.0.1 with their state under {@code BAGSFLOW_HOME}. One set of
 * embedded services per home at a time: a lock file keeps a second {@code up} from sharing the data folders.
 */
public final class EmbeddedServices implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);

    private final Endpoints endpoints;
    private final List<String> started;
    private final Deque<AutoCloseable> toClose;
    private final TemporalEngine engine;
    private final String temporalUi;
    private final String exposure;
    private Endpoints remote;
    private CertificateAuthority authority;

    private EmbeddedServices(
            Endpoints endpoints,
            List<String> started,
            Deque<AutoCloseable> toClose,
            TemporalEngine engine,
            String temporalUi,
            String exposure) {
        this.endpoints = endpoints;
        this.started = started;
        this.toClose = toClose;
        this.engine = engine;
        this.temporalUi = temporalUi;
        this.exposure = exposure;
    }

    public static EmbeddedServices start(EnvironmentConfig env) {
        return start(env, true, null, false);
    }

    /**
     * As {@link #start(EnvironmentConfig)}, the services also reachable on {@code bind} (null: loopback only) for
     * workers on other machines, over TLS only: PostgreSQL (TLS, SCRAM), S3 (HTTPS) and Temporal (through its mTLS
     * proxy), with certificates from the home's authority. Refused where Temporal cannot be guarded.
     */
    public static EmbeddedServices start(EnvironmentConfig env, String bind) {
        return start(env, true, bind, false);
    }

    /**
     * As {@link #start(EnvironmentConfig, String)}; with {@code rotateCertificates} the home's certificate authority
     * and its server and client certificates are made anew first (under the home's lock, so never under a running
     * {@code up}): every certificate a client holds from before, the old client certificate included, is refused
     * from then on, and clients need the new files ({@code connection.json} for workers on other machines).
     */
    public static EmbeddedServices start(EnvironmentConfig env, String bind, boolean rotateCertificates) {
        return start(env, true, bind, rotateCertificates);
    }

    /**
     * Only the history's storage: PostgreSQL and S3 (for reports and artifacts), for read-only commands
     * ({@code runs}, {@code compare}, {@code ui}) when no {@code up} is running. Holds the same home lock.
     */
    public static EmbeddedServices startStorage(EnvironmentConfig env) {
        return start(env, false, null, false);
    }

    private static EmbeddedServices start(
            EnvironmentConfig env, boolean withTemporal, String bind, boolean rotateCertificates) {
        BagsflowHome home = env.home();
        Deque<AutoCloseable> toClose = new ArrayDeque<>();
        List<String> started = new ArrayList<>();
        try {
            PostgresEndpoint pg = env.postgres().orElse(null);
            S3Endpoint s3 = env.s3().orElse(null);
            TemporalEndpoint temporal = env.temporal().orElse(null);
            if (pg == null || s3 == null || (temporal == null && withTemporal)) {
                DiskSpace.requireMinimum(home.root(), DiskSpace.SYSTEM);
                home.makePrivate();
                toClose.push(lockHome(home));
            }
            if (rotateCertificates) {
                if (pg != null || s3 != null || temporal != null) {
                    throw new ConfigurationException("--rotate-certs rotates the embedded services' certificates"
                            + " only; unset the BAGSFLOW_ variables that point at other PostgreSQL, S3 or Temporal"
                            + " servers");
                }
                CertificateAuthority.discard(home.tls());
                log.info("certificates of {} discarded: a new authority signs new ones", home.tls());
            }
            RemoteAccess remote = null;
            if (bind != null) {
                if (pg != null || s3 != null || temporal != null) {
                    throw new ConfigurationException("--bind serves the embedded services only; unset the "
                            + "BAGSFLOW_ variables that point at other PostgreSQL, S3 or Temporal servers");
                }
                Optional<String> missing = TemporalCli.choose(env.variables()).isEmpty()
                        ? Optional.of("the Temporal CLI is not installed (" + TemporalCli.INSTALL_HINT + ")")
                        : TemporalGuard.missing(env.variables());
                if (missing.isPresent()) {
                    throw new ConfigurationException("--bind " + bind + " needs Temporal behind its TLS proxy, and "
                            + missing.get() + ": nothing would authenticate workers on other machines");
                }
                remote = new RemoteAccess(
                        bind, CertificateAuthority.ensure(home.tls(), List.of("127.0.0.1", "localhost", bind)));
            }
            PostgresEndpoint remotePg = null;
            S3Endpoint remoteS3 = null;
            TemporalEndpoint remoteTemporal = null;
            // PostgreSQL is the slowest to start (initdb on a new home, then the server: about half of a demo's
            // service start-up): it starts on a thread of its own while S3 and Temporal start here.
            CompletableFuture<EmbeddedPostgresServer> pgStart = null;
            if (pg == null) {
                RemoteAccess pgRemote = remote;
                pgStart = inBackground(
                        "bagsflow-start-postgresql",
                        () -> EmbeddedPostgresServer.start(home.postgresData(), home.postgresCredentials(), pgRemote));
            }
            // S3 and Temporal, closed before PostgreSQL as when they started after it
            Deque<AutoCloseable> later = new ArrayDeque<>();
            TemporalEngine engine = TemporalEngine.EXTERNAL;
            String ui = null;
            String exposure = null;
            try {
                if (s3 == null) {
                    EmbeddedS3Server server =
                            EmbeddedS3Server.start(home.s3Data(), home.s3Credentials(), env.bucket(), remote);
                    later.push(server);
                    s3 = server.endpoint();
                    remoteS3 = server.remoteEndpoint().orElse(null);
                    started.add("S3");
                    log.info("embedded S3 on {} (data in {})", s3, home.s3Data());
                }
                if (temporal == null && withTemporal) {
                    Optional<Path> cli = TemporalCli.choose(env.variables());
                    if (cli.isPresent()) {
                        Optional<String> missing = TemporalGuard.missing(env.variables());
                        TemporalDevServer.Guard guard = null;
                        if (missing.isEmpty()) {
                            guard = new TemporalDevServer.Guard(
                                    Nginx.find(env.variables()).orElseThrow(),
                                    remote != null
                                            ? remote.authority()
                                            : CertificateAuthority.ensure(
                                                    home.tls(), List.of("127.0.0.1", "localhost")),
                                    HomeSecret.loadOrCreate(home.uiSecret()),
                                    env.variables(),
                                    bind);
                        } else {
                            exposure = TemporalGuard.exposure(missing.get());
                            log.warn("{}", exposure);
                        }
                        TemporalDevServer server = TemporalDevServer.start(
                                cli.get(), home.root().resolve("temporal"), env.namespace(), guard);
                        later.push(server);
                        temporal = server.endpoint();
                        if (remote != null) {
                            String port = temporal.address()
                                    .substring(temporal.address().lastIndexOf(':') + 1);
                            remoteTemporal = new TemporalEndpoint(
                                    remote.hostInUrl() + ":" + port, temporal.namespace(), temporal.tls());
                        }
                        engine = TemporalEngine.DEV_SERVER;
                        ui = server.uiAddress();
                    } else {
                        exposure = TemporalGuard.exposure(
                                "the in-memory test server runs inside up, unguarded; " + TemporalCli.INSTALL_HINT);
                        EmbeddedTemporalServer server = EmbeddedTemporalServer.start(env.namespace());
                        later.push(server);
                        temporal = server.endpoint();
                        engine = TemporalEngine.IN_MEMORY;
                        log.warn(
                                "Temporal: in-memory test server; runs do not survive a restart of up "
                                        + "(up restarts them from PostgreSQL); {}",
                                TemporalCli.INSTALL_HINT);
                    }
                    started.add("Temporal");
                    log.info("embedded Temporal ({}) on {}", engine.description(), temporal);
                }
            } catch (RuntimeException e) {
                if (pgStart != null) {
                    closeWhenStarted(pgStart);
                }
                closeAll(later);
                throw e;
            }
            if (pgStart != null) {
                EmbeddedPostgresServer server;
                try {
                    server = join(pgStart);
                } catch (RuntimeException e) {
                    closeAll(later);
                    throw e;
                }
                toClose.push(server);
                pg = server.endpoint();
                remotePg = server.remoteEndpoint().orElse(null);
                started.add(0, "PostgreSQL");
                log.info("embedded PostgreSQL on {} (data in {})", pg, home.postgresData());
            }
            while (!later.isEmpty()) {
                toClose.push(later.removeLast());
            }
            EmbeddedServices services = new EmbeddedServices(
                    new Endpoints(pg, s3, temporal), List.copyOf(started), toClose, engine, ui, exposure);
            if (remote != null) {
                services.remote = new Endpoints(remotePg, remoteS3, remoteTemporal);
                services.authority = remote.authority();
            }
            return services;
        } catch (RuntimeException e) {
            closeAll(toClose);
            throw e;
        }
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** How workers on other machines reach these services ({@code --bind}), if they listen beyond loopback. */
    public Optional<Endpoints> remoteEndpoints() {
        return Optional.ofNullable(remote);
    }

    /** The home's certificate authority, when the services listen beyond loopback. */
    public Optional<CertificateAuthority> authority() {
        return Optional.ofNullable(authority);
    }

    /** The Temporal server these services use. */
    public TemporalEngine temporalEngine() {
        return engine;
    }

    /** The Temporal Web UI of the dev server started here, if any. */
    public Optional<String> temporalUi() {
        return Optional.ofNullable(temporalUi);
    }

    /**
     * When the embedded Temporal started here is open to every local account, the sentence that says so and why
     * (to print plainly); empty when it is guarded or not embedded.
     */
    public Optional<String> temporalExposure() {
        return Optional.ofNullable(exposure);
    }

    /** Names of the services started here (the others were configured by environment variables). */
    public List<String> started() {
        return started;
    }

    private static AutoCloseable lockHome(BagsflowHome home) {
        try {
            Files.createDirectories(home.root());
            FileChannel channel = FileChannel.open(
                    home.upLock(),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new ConfigurationException("embedded services for " + home.root() + " are already running "
                        + "(another `bagsflow up` or demo holds " + home.upLock() + "); use them, stop them, or set "
                        + "BAGSFLOW_HOME to another folder");
            }
            return () -> {
                lock.release();
                channel.close();
            };
        } catch (IOException e) {
            throw new ConfigurationException("cannot lock " + home.upLock() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeAll(toClose);
    }

    /** Runs {@code start} on a daemon thread of its own; the future holds what it returned or threw. */
    private static <T> CompletableFuture<T> inBackground(String name, Supplier<T> start) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        result.complete(start.get());
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** What the background start returned, or its failure as thrown there. */
    private static <T> T join(CompletableFuture<T> started) {
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Another service failed to start: this one is stopped as soon as its start is over (never left running). */
    private static void closeWhenStarted(CompletableFuture<? extends AutoCloseable> starting) {
        try {
            starting.join().close();
        } catch (Exception e) {
            // it failed to start or to stop: the failure that matters is the other service's
            log.warn("while stopping embedded services: {}", e.toString());
        }
    }

    private static void closeAll(Deque<AutoCloseable> toClose) {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                log.warn("while stopping embedded services: {}", e.toString());
            }
        }
    }
}
