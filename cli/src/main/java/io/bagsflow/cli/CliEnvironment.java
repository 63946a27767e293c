package io.bagsflow.cli;

import io.bagsflow.worker.config.EnvironmentConfig;

/**
 * The environment the commands read their configuration from: the process environment, or the one a caller of
 * {@link Main#run(EnvironmentConfig, String...)} gives (tests run commands against their own services this way).
 */
public final class CliEnvironment {

    private static volatile EnvironmentConfig current = EnvironmentConfig.system();

    private CliEnvironment() {}

    public static EnvironmentConfig get() {
        return current;
    }

    static void set(EnvironmentConfig env) {
        current = env;
    }
}
