package io.bagsflow.worker;

import io.bagsflow.model.Causes;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.DiskSpace;
import io.bagsflow.worker.config.EndpointResolver;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.PostgresEndpoint;
import io.bagsflow.worker.config.Redaction;
import io.bagsflow.worker.config.S3Endpoint;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.worker.config.TemporalEndpoint;
import io.bagsflow.worker.embedded.TemporalCli;
import io.bagsflow.worker.embedded.TemporalEngine;
import io.bagsflow.worker.embedded.TemporalGuard;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.health.PingWorkflow;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * Checks each configured service and says, per service, ok or what is wrong and how to fix it. PostgreSQL, S3 and
 * Temporal are required; whether workers poll both task queues, and free disk space under BAGSFLOW_HOME
 * ({@link DiskSpace}), are reported as advice.
 */
public final class Doctor {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Doctor() {}

    public static List<HealthCheck> check(EnvironmentConfig env) {
        Endpoints found = EndpointResolver.resolveAvailable(env);
        List<HealthCheck> checks = new ArrayList<>();
        checks.add(
                found.postgres() == null
                        ? notConfigured("PostgreSQL", EnvironmentConfig.JDBC_URL)
                        : postgres(found.postgres(), source(env.postgres().isPresent(), EnvironmentConfig.JDBC_URL)));
        checks.add(
                found.s3() == null
                        ? notConfigured("S3", EnvironmentConfig.S3_ENDPOINT)
                        : s3(found.s3(), source(env.s3().isPresent(), EnvironmentConfig.S3_ENDPOINT)));
        HealthCheck temporal = found.temporal() == null
                ? notConfigured("Temporal", EnvironmentConfig.TEMPORAL_ADDRESS)
                : temporal(found.temporal(), source(env.temporal().isPresent(), EnvironmentConfig.TEMPORAL_ADDRESS));
        checks.add(temporal);
        checks.add(engine(env));
        // Workers matter only once every service answers; asking earlier would just wait for the timeout.
        if (allRequiredOk(checks)) {
            checks.add(workers(found.temporal()));
        }
        checks.add(disk(env.home(), DiskSpace.SYSTEM));
        checks.add(access(env));
        return checks;
    }

    /**
     * {@code doctor --connect FILE}: the services a connection file names, checked from this machine as a worker
     * that joins with it would reach them (TLS with the file's authority), with the file's problems named.
     */
    public static List<HealthCheck> checkConnection(Path file, BagsflowHome home) {
        List<HealthCheck> checks = new ArrayList<>();
        Endpoints found;
        try {
            found = io.bagsflow.worker.config.ConnectionFile.read(file, home);
        } catch (RuntimeException e) {
            checks.add(new HealthCheck(
                    "Connection file",
                    false,
                    true,
                    oneLine(e),
                    "copy " + file.getFileName() + " again from the machine that runs `bagsflow up --bind`"));
            return checks;
        }
        String hint = "check that `bagsflow up --bind` runs on the machine " + file
                + " came from, and that this machine reaches its address (firewall, routes)";
        checks.add(new HealthCheck("Connection file", true, true, file.toString(), ""));
        checks.add(postgres(found.postgres(), hint));
        checks.add(s3(found.s3(), hint));
        checks.add(temporal(found.temporal(), hint));
        if (allRequiredOk(checks)) {
            checks.add(workers(found.temporal()));
        }
        checks.add(disk(home, DiskSpace.SYSTEM));
        return checks;
    }

    /**
     * Which Temporal engine runs the workflows and whether runs survive a restart of {@code up}: from the state file
     * of a running {@code up}, else what {@code up} would start now. Advice only: the in-memory server works.
     */
    static HealthCheck engine(EnvironmentConfig env) {
        if (env.temporal().isPresent()) {
            return engineCheck(TemporalEngine.EXTERNAL, "configured by " + EnvironmentConfig.TEMPORAL_ADDRESS);
        }
        Optional<StateFile.TemporalInfo> running =
                StateFile.readLive(env.home().stateFile()).map(StateFile.State::temporalInfo);
        if (running.isPresent()) {
            TemporalEngine e = TemporalEngine.parse(running.get().engine());
            return engineCheck(
                    e,
                    "used by the running `up`"
                            + (running.get().ui() == null
                                    ? ""
                                    : "; Temporal UI " + running.get().ui()));
        }
        try {
            Optional<Path> cli = TemporalCli.choose(env.variables());
            return cli.isPresent()
                    ? engineCheck(TemporalEngine.DEV_SERVER, "`up` will start it from " + cli.get())
                    : engineCheck(TemporalEngine.IN_MEMORY, "`up` will start it: no Temporal CLI found");
        } catch (RuntimeException e) {
            return new HealthCheck("Engine", false, false, oneLine(e), TemporalCli.INSTALL_HINT);
        }
    }

    /**
     * Whether other local accounts are kept away from the embedded Temporal (its dev server has no authentication):
     * from the running {@code up}'s state, else what {@code up} could set up here. A warning, never a failure, but
     * said plainly.
     */
    static HealthCheck access(EnvironmentConfig env) {
        if (env.temporal().isPresent()) {
            return new HealthCheck(
                    "Access",
                    true,
                    false,
                    "Temporal is configured by " + EnvironmentConfig.TEMPORAL_ADDRESS + ": its own authentication "
                            + "decides who controls runs",
                    "");
        }
        String hint = "install nginx and openssl (Debian: apt-get install nginx-light openssl) and allow user "
                + "namespaces, then restart up; see README, Local security";
        Optional<StateFile.State> running = StateFile.readLive(env.home().stateFile());
        if (running.isPresent() && running.get().temporalInfo() != null) {
            return running.get().temporalInfo().guarded()
                    ? new HealthCheck(
                            "Access",
                            true,
                            false,
                            "only holders of this home's client certificate reach the embedded Temporal (TLS proxy; "
                                    + "the dev server in its own network namespace)",
                            "")
                    : new HealthCheck(
                            "Access",
                            false,
                            false,
                            "every local account can control runs through the embedded Temporal of the running up "
                                    + "(list, terminate, signal or start workflows)",
                            hint);
        }
        Optional<String> missing;
        try {
            missing = TemporalCli.choose(env.variables()).isPresent()
                    ? TemporalGuard.missing(env.variables())
                    : Optional.of("the in-memory test server cannot be guarded; " + TemporalCli.INSTALL_HINT);
        } catch (RuntimeException e) {
            missing = Optional.of(oneLine(e));
        }
        return missing.isEmpty()
                ? new HealthCheck(
                        "Access",
                        true,
                        false,
                        "`up` will guard the embedded Temporal: TLS proxy with client certificates, the dev server "
                                + "in its own network namespace",
                        "")
                : new HealthCheck(
                        "Access", false, false, "`up` cannot guard it: " + TemporalGuard.exposure(missing.get()), hint);
    }

    private static HealthCheck engineCheck(TemporalEngine e, String where) {
        String survives = e.durable()
                ? "runs survive a restart of up"
                : "runs do not survive a restart of up (up restarts them from PostgreSQL)";
        return new HealthCheck(
                "Engine",
                e.durable(),
                false,
                e.description() + ", " + where + "; " + survives,
                e.durable() ? "" : TemporalCli.INSTALL_HINT);
    }

    public static boolean allRequiredOk(List<HealthCheck> checks) {
        return checks.stream().filter(HealthCheck::required).allMatch(HealthCheck::ok);
    }

    private static String source(boolean fromEnv, String variable) {
        return fromEnv
                ? "check " + variable + " (set in the environment)"
                : "the address comes from `bagsflow up`'s state file: is `./bagsflow up` still running?";
    }

    private static HealthCheck notConfigured(String service, String variable) {
        return new HealthCheck(
                service,
                false,
                true,
                "not configured and nothing is running",
                "start the embedded services with `./bagsflow up`, or set " + variable + " to a real " + service);
    }

    static HealthCheck postgres(PostgresEndpoint pg, String hint) {
        Properties props = new Properties();
        props.setProperty("user", pg.user());
        props.setProperty("password", pg.password());
        props.setProperty("connectTimeout", Long.toString(TIMEOUT.toSeconds()));
        props.setProperty("loginTimeout", Long.toString(TIMEOUT.toSeconds()));
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), props);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return new HealthCheck("PostgreSQL", true, true, pg + ", PostgreSQL " + rs.getString(1), "");
        } catch (Exception e) {
            return new HealthCheck("PostgreSQL", false, true, pg + ": " + oneLine(e), hint);
        }
    }

    static HealthCheck s3(S3Endpoint s3, String hint) {
        OkHttpClient.Builder base = s3.trustedCa() == null
                ? new OkHttpClient.Builder()
                : io.bagsflow.activities.TrustedCa.httpClient(s3.trustedCa()).newBuilder();
        OkHttpClient http = base.connectTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .build();
        try {
            MinioClient client = MinioClient.builder()
                    .endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), s3.secretKey())
                    .region("us-east-1")
                    .httpClient(http)
                    .build();
            boolean exists = client.bucketExists(
                    BucketExistsArgs.builder().bucket(s3.bucket()).build());
            return new HealthCheck("S3", true, true, s3 + (exists ? "" : " (bucket will be created on first use)"), "");
        } catch (Exception e) {
            return new HealthCheck("S3", false, true, s3 + ": " + oneLine(e), hint);
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    static HealthCheck temporal(TemporalEndpoint t, String hint) {
        try (TemporalConnection conn = TemporalConnection.connect(t, "bagsflow-doctor")) {
            conn.stubs()
                    .blockingStub()
                    .withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .describeNamespace(DescribeNamespaceRequest.newBuilder()
                            .setNamespace(t.namespace())
                            .build());
            return new HealthCheck("Temporal", true, true, t.toString(), "");
        } catch (Exception e) {
            return new HealthCheck("Temporal", false, true, t + ": " + oneLine(e), hint);
        }
    }

    /** Free space under BAGSFLOW_HOME: a warning when low, since PostgreSQL stops when its disk fills up. */
    public static HealthCheck disk(BagsflowHome home, DiskSpace.Reading reading) {
        DiskSpace.Status s = DiskSpace.check(home.root(), reading);
        return switch (s.level()) {
            case OK -> new HealthCheck("Disk", true, false, s.describe(), "");
            case LOW ->
                new HealthCheck(
                        "Disk",
                        false,
                        false,
                        s.describe() + ", below " + DiskSpace.format(DiskSpace.LOW_BYTES),
                        "free some space under " + home.root()
                                + " before long runs: PostgreSQL stops when its disk fills up");
            case TOO_LOW ->
                new HealthCheck(
                        "Disk",
                        false,
                        false,
                        s.describe() + ", below the " + DiskSpace.format(DiskSpace.MINIMUM_BYTES)
                                + " that `./bagsflow up` needs",
                        "free space under " + home.root() + " or set " + EnvironmentConfig.HOME
                                + " to a folder on a larger disk");
        };
    }

    /** Runs the ping workflow: it answers only if workers poll the CPU queue (workflow) and both queues. */
    static HealthCheck workers(TemporalEndpoint t) {
        try (TemporalConnection conn = TemporalConnection.connect(t, "bagsflow-doctor")) {
            PingWorkflow ping = conn.client()
                    .newWorkflowStub(
                            PingWorkflow.class,
                            WorkflowOptions.newBuilder()
                                    .setTaskQueue(TaskQueues.CPU)
                                    .setWorkflowId("bagsflow-doctor-" + UUID.randomUUID())
                                    .setWorkflowExecutionTimeout(Duration.ofSeconds(15))
                                    .build());
            List<String> answers = ping.ping(List.of(TaskQueues.CPU, TaskQueues.GPU));
            return new HealthCheck("Workers", true, false, String.join("; ", answers), "");
        } catch (Exception e) {
            return new HealthCheck(
                    "Workers",
                    false,
                    false,
                    "no answer from workers on " + TaskQueues.CPU + " and " + TaskQueues.GPU + " within 15 s",
                    "start one with `./bagsflow worker --queues cpu,gpu` (`./bagsflow up` runs one)");
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = Causes.root(e);
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return Redaction.mask(msg.replace('\n', ' '));
    }
}
