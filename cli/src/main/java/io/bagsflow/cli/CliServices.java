package io.bagsflow.cli;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.pipeline.DatasetCache;
import io.bagsflow.activities.report.RunReports;
import io.bagsflow.db.Database;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.worker.TemporalConnection;
import io.bagsflow.worker.config.EndpointResolver;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.embedded.EmbeddedServices;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.pipeline.PipelineLauncher;
import java.io.PrintWriter;

/**
 * The connections a command needs, opened on first use against the configured services (environment variables,
 * else the state file of a running {@code bagsflow up}) and closed when the command ends.
 */
public final class CliServices implements AutoCloseable {

    private final EnvironmentConfig env;
    private Endpoints endpoints;
    private Database database;
    private TemporalConnection temporal;
    private ArtifactStore store;
    /** Embedded PostgreSQL and S3 started for this command alone ({@link #forReading(PrintWriter)}). */
    private EmbeddedServices ownedStorage;

    CliServices(EnvironmentConfig env) {
        this.env = env;
    }

    public static CliServices fromEnvironment() {
        return new CliServices(CliEnvironment.get());
    }

    /**
     * For commands that only read the history ({@code runs}, {@code compare}, {@code ui}): when neither a variable
     * nor a running {@code up} gives PostgreSQL or S3, the embedded ones of BAGSFLOW_HOME are started for this
     * command and stopped when it ends (under the home's lock, so never beside a running {@code up} or demo).
     * Temporal stays absent then: actions say it is not running.
     */
    public static CliServices forReading(PrintWriter err) {
        EnvironmentConfig env = CliEnvironment.get();
        Endpoints available = EndpointResolver.resolveAvailable(env);
        if (available.postgres() != null && available.s3() != null) {
            return new CliServices(env);
        }
        EmbeddedServices storage = EmbeddedServices.startStorage(env);
        err.println("no bagsflow services are running: started the embedded " + String.join(" and ", storage.started())
                + " of " + env.home().root() + " for this command");
        err.flush();
        CliServices s = new CliServices(env);
        s.endpoints = new Endpoints(
                storage.endpoints().postgres(), storage.endpoints().s3(), available.temporal());
        s.ownedStorage = storage;
        return s;
    }

    /** Services at known endpoints (the demo's own embedded ones). */
    public static CliServices at(EnvironmentConfig env, Endpoints endpoints) {
        CliServices s = new CliServices(env);
        s.endpoints = endpoints;
        return s;
    }

    public EnvironmentConfig env() {
        return env;
    }

    public Endpoints endpoints() {
        if (endpoints == null) {
            endpoints = EndpointResolver.resolve(env);
        }
        return endpoints;
    }

    public Database database() {
        if (database == null) {
            var pg = endpoints().postgres();
            try {
                database = Database.open(pg.jdbcUrl(), pg.user(), pg.password());
            } catch (RuntimeException e) {
                throw new UserError(
                        "cannot reach PostgreSQL at " + pg + ": " + ErrorPrinter.describe(e),
                        "run `./bagsflow doctor`; start the services with `./bagsflow up` or fix BAGSFLOW_JDBC_URL");
            }
        }
        return database;
    }

    public RunRepository runs() {
        return new RunRepository(database());
    }

    public LineageRepository lineage() {
        return new LineageRepository(database());
    }

    public RunHistory history() {
        return new RunHistory(runs(), lineage());
    }

    public TemporalConnection temporal() {
        if (temporal == null && endpoints().temporal() == null) {
            throw new UserError(
                    "Temporal is not running, so runs cannot be retried or aborted from here",
                    "start the services with `./bagsflow up` (it serves the web UI too)");
        }
        if (temporal == null) {
            temporal = TemporalConnection.connect(endpoints().temporal(), "bagsflow-cli");
        }
        return temporal;
    }

    public ArtifactStore store() {
        if (store == null) {
            var s3 = endpoints().s3();
            try {
                store = ArtifactStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
            } catch (RuntimeException e) {
                throw new UserError(
                        "cannot reach S3 at " + s3 + ": " + ErrorPrinter.describe(e),
                        "run `./bagsflow doctor`; start the services with `./bagsflow up` or fix BAGSFLOW_S3_ENDPOINT");
            }
        }
        return store;
    }

    public RunReports reports() {
        return new RunReports(
                database(), store(), new DatasetCache(store(), env.home().root().resolve("cache")));
    }

    public PipelineLauncher launcher() {
        return new PipelineLauncher(temporal().client(), runs());
    }

    @Override
    public void close() {
        if (temporal != null) {
            temporal.close();
        }
        if (database != null) {
            database.close();
        }
        if (ownedStorage != null) {
            ownedStorage.close();
        }
    }
}
