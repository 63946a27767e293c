package io.bagsflow.worker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the services for every command but {@code up}: per service, an environment variable wins over the state
 * file of a running {@code bagsflow up}; with neither, the error says that nothing is running and how to fix it.
 */
public final class EndpointResolver {

    private EndpointResolver() {}

    /** Every service, or a {@link ConfigurationException} naming those that are neither configured nor running. */
    public static Endpoints resolve(EnvironmentConfig env) {
        Endpoints found = resolveAvailable(env);
        PostgresEndpoint pg = found.postgres();
        S3Endpoint s3 = found.s3();
        TemporalEndpoint temporal = found.temporal();
        List<String> missing = new ArrayList<>();
        if (pg == null) {
            missing.add("PostgreSQL (" + EnvironmentConfig.JDBC_URL + ")");
        }
        if (s3 == null) {
            missing.add("S3 (" + EnvironmentConfig.S3_ENDPOINT + ")");
        }
        if (temporal == null) {
            missing.add("Temporal (" + EnvironmentConfig.TEMPORAL_ADDRESS + ")");
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException(
                    "no bagsflow services are running for " + env.home().root()
                            + ": " + String.join(", ", missing) + " not configured. Start them with `./bagsflow up` in "
                            + "another terminal, or set the variables named here to real services.");
        }
        return found;
    }

    /** The services that are configured or running; null for the others. */
    public static Endpoints resolveAvailable(EnvironmentConfig env) {
        Optional<StateFile.State> state = StateFile.readLive(env.home().stateFile());
        PostgresEndpoint pg =
                env.postgres().orElse(state.map(StateFile.State::postgres).orElse(null));
        S3Endpoint s3 = env.s3().orElse(state.map(StateFile.State::s3).orElse(null));
        TemporalEndpoint temporal =
                env.temporal().orElse(state.map(StateFile.State::temporal).orElse(null));
        return new Endpoints(pg, s3, temporal);
    }
}
